import { link, open, rename, rm, statfs, stat } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError } from './errors.js';
import { tempSiblingWithExt, writeAtomically } from './fs.js';
import { forgetPartialOutput, notePartialOutput } from './partial-outputs.js';

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

/** Refuse an output name that exists: outputs never replace a file. */
export async function refuseExisting(output: string): Promise<void> {
  if (
    await stat(output).then(
      () => true,
      () => false,
    )
  )
    throw new FramewiseError('conflict', `${output} already exists; it was not overwritten`, { file: output });
}

/**
 * Give a finished temp file (in the same folder) its final name without ever replacing a file: a hard link, which
 * fails if the name exists (a file that appeared meanwhile is not replaced either). Where the file system has no
 * hard links (FAT/exFAT drives: EPERM; ENOSYS through some FUSE drivers), the name is first claimed by creating it
 * exclusively (atomic: fails if anything has it) and the temp file is renamed over that empty claim, so a rename
 * only ever replaces the claim it made. The temp name may remain: callers remove it.
 */
export async function publishNewFile(temp: string, output: string): Promise<void> {
  const conflict = () => new FramewiseError('conflict', `${output} already exists; it was not overwritten`, { file: output });
  try {
    await link(temp, output);
    return;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw conflict();
    if (!NO_HARD_LINKS.has(code ?? '')) throw err;
  }
  const claim = await open(output, 'wx').catch((err: NodeJS.ErrnoException) => {
    throw err.code === 'EEXIST' ? conflict() : err;
  });
  await claim.close();
  try {
    await rename(temp, output);
  } catch (err) {
    await rm(output, { force: true });
    throw err;
  }
}

/** What link(2) fails with where a file system has no hard links. */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS']);

/**
 * Produce a new file: written under a hidden temp name in its folder, then hard-linked to its name, which fails
 * if the name exists (a file that appeared meanwhile is not replaced either). Where the file system has no hard
 * links (FAT/exFAT drives), renamed after checking the name is free.
 */
export async function produceNewOutputFile<T>(output: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
  await refuseExisting(output);
  const dir = path.dirname(output);
  const temp = tempSiblingWithExt(output);
  await notePartialOutput(temp);
  try {
    const result = await produce(temp);
    await publishNewFile(temp, output);
    return result;
  } catch (err) {
    if ((err instanceof FramewiseError && err.code === 'disk_full') || (err as NodeJS.ErrnoException).code === 'ENOSPC')
      throw new FramewiseError('disk_full', `disk full in ${dir} while writing ${path.basename(output)}`, { folder: dir });
    throw err;
  } finally {
    await rm(temp, { force: true });
    await forgetPartialOutput(temp);
  }
}
