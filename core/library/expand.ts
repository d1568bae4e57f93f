import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Extensions picked up when walking a folder. A file named explicitly is tried whatever its name. */
export const MEDIA_EXTENSIONS = new Set([
  '.mp4',
  '.m4v',
  '.mov',
  '.mkv',
  '.webm',
  '.avi',
  '.mpg',
  '.mpeg',
  '.ts',
  '.mts',
  '.m2ts',
  '.wmv',
  '.flv',
  '.3gp',
  '.ogv',
  '.mxf',
  '.dv',
  '.vob',
  '.h264',
  '.hevc',
  '.y4m',
]);

export interface Expanded {
  files: string[];
  errors: Array<{ path: string; message: string }>;
}

/** Expand files and folders (recursively) into absolute file paths, in a stable order. */
export async function expandPaths(inputs: string[]): Promise<Expanded> {
  const files: string[] = [];
  const errors: Expanded['errors'] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      files.push(f);
    }
  };
  async function walk(dir: string): Promise<void> {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      errors.push({ path: dir, message: `${dir}: cannot read folder (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const full = path.join(dir, e.name);
      if (e.isDirectory()) await walk(full);
      else if (e.isFile() && MEDIA_EXTENSIONS.has(path.extname(e.name).toLowerCase())) add(full);
    }
  }
  for (const input of inputs) {
    const abs = path.resolve(input);
    let st;
    try {
      st = await stat(abs);
    } catch {
      // A missing file still becomes an import job, so its failure is recorded and reported by name.
      add(abs);
      continue;
    }
    if (st.isDirectory()) await walk(abs);
    else add(abs);
  }
  return { files, errors };
}
