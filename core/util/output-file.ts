import { statfs, stat } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError } from './errors.js';
import { writeAtomically } from './fs.js';

/**
 * Check an output file path before any work starts: its folder must exist and be a folder, it must not be one
 * of the inputs (originals are never overwritten), and the folder's disk must have room for `needBytes`.
 */
export async function checkOutputFile(output: string, inputs: string[], needBytes = 0): Promise<string> {
  const out = path.resolve(output);
  const dir = path.dirname(out);
  const st = await stat(dir).catch(() => null);
  if (!st?.isDirectory()) throw new FramewiseError('output_folder_missing', `The output folder ${dir} does not exist`, { folder: dir });
  for (const i of inputs)
    if (path.resolve(i) === out) throw new FramewiseError('usage', `${out}: the output would replace an input; choose another name`);
  if ((await stat(out).catch(() => null))?.isDirectory()) throw new FramewiseError('usage', `${out} is a folder, not a file name`);
  if (needBytes > 0) await checkFreeSpace(dir, needBytes);
  return out;
}

/** Check an output folder exists (and has room). */
export async function checkOutputFolder(dir: string, needBytes = 0): Promise<string> {
  const d = path.resolve(dir);
  const st = await stat(d).catch(() => null);
  if (!st?.isDirectory()) throw new FramewiseError('output_folder_missing', `The output folder ${d} does not exist`, { folder: d });
  if (needBytes > 0) await checkFreeSpace(d, needBytes);
  return d;
}

export async function checkFreeSpace(dir: string, needBytes: number): Promise<void> {
  const fs = await statfs(dir).catch(() => null);
  if (fs && fs.bavail * fs.bsize < needBytes)
    throw new FramewiseError(
      'disk_full',
      `disk full in ${dir}: ${Math.round((fs.bavail * fs.bsize) / 1e6)} MB free, about ${Math.round(needBytes / 1e6)} MB needed`,
      {
        folder: dir,
      },
    );
}

/** Produce a file atomically (hidden temp in the same folder, renamed at the end); a full disk names the folder. */
export async function produceOutputFile<T>(output: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
  try {
    return await writeAtomically(output, produce);
  } catch (err) {
    const dir = path.dirname(output);
    if ((err instanceof FramewiseError && err.code === 'disk_full') || (err as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new FramewiseError('disk_full', `disk full in ${dir} while writing ${path.basename(output)}`, { folder: dir });
    throw err;
  }
}
