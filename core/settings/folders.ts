import { access, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';

export type FolderProblem = 'not_absolute' | 'missing' | 'not_directory' | 'not_writable';

/** Can files be written into this folder? (The export dialog's path field; nothing is created.) */
export async function checkFolder(p: string): Promise<{ path: string; ok: boolean; problem: FolderProblem | null }> {
  if (!path.isAbsolute(p)) return { path: p, ok: false, problem: 'not_absolute' };
  const resolved = path.resolve(p);
  try {
    const st = await stat(resolved);
    if (!st.isDirectory()) return { path: resolved, ok: false, problem: 'not_directory' };
  } catch {
    return { path: resolved, ok: false, problem: 'missing' };
  }
  try {
    await access(resolved, constants.W_OK);
  } catch {
    return { path: resolved, ok: false, problem: 'not_writable' };
  }
  return { path: resolved, ok: true, problem: null };
}
