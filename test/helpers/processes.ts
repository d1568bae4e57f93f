import { readFileSync, readdirSync } from 'node:fs';

/**
 * Live processes whose command line mentions `text` (an output path, a filter), with that command line: among
 * `pids` (e.g. this process's children), else among every process in /proc. A process gone meanwhile is skipped.
 */
export function processesMentioning(text: string, pids?: number[]): Array<{ pid: number; cmd: string }> {
  const candidates =
    pids ??
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  const found: Array<{ pid: number; cmd: string }> = [];
  for (const pid of candidates) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes(text)) found.push({ pid, cmd });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}
