import type { AppClient } from '../transport/types.js';

let current: AppClient | null = null;

export function setClient(c: AppClient): void {
  current = c;
}

/** The one client of this window (set once in main.tsx). */
export function client(): AppClient {
  if (!current) throw new Error('client not initialised');
  return current;
}
