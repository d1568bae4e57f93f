import { randomBytes } from 'node:crypto';
import { mkdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError } from '../util/errors.js';

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'a folder cannot be made there',
  ENOTDIR: 'part of the path is a file, not a folder',
};

const reason = (err: unknown) => REASONS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err instanceof Error ? err.message : String(err));

/**
 * Make the export folder and prove a file can be written there, before any clip is cut, so an unusable folder
 * is refused at once with its path and the reason. Missing levels are made one at a time: Node's
 * `mkdir({ recursive: true })` loops forever where the kernel answers ENOENT for an existing parent (under
 * /proc, say), which hung `framewise clips --export /proc/out`. Returns the folders it made (outermost first), so
 * that an export that ends with nothing to show can take them away again (`removeMadeFolders`).
 */
export async function prepareExportFolder(dir: string): Promise<{ folder: string; made: string[] }> {
  const folder = path.resolve(dir);
  const fail = (what: string, err: unknown) =>
    new FramewiseError('output_folder_missing', `Cannot export clips into ${folder}: ${what}${err === null ? '' : reason(err)}`, {
      folder,
    });
  const missing: string[] = [];
  for (let p = folder; ; p = path.dirname(p)) {
    const st = await stat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw fail('', err);
    });
    if (st?.isDirectory()) break;
    if (st) throw fail(`${p} is a file, not a folder`, null);
    if (p === path.dirname(p)) break;
    missing.unshift(p);
  }
  const made: string[] = [];
  for (const p of missing)
    await mkdir(p).then(
      () => made.push(p),
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw fail('', err);
      },
    );
  const probe = path.join(folder, `.framewise-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '');
  } catch (err) {
    throw fail('', err);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return { folder, made };
}

/** Remove folders `prepareExportFolder` made, innermost first, where they are still empty (anything in them stays). */
export async function removeMadeFolders(made: string[]): Promise<void> {
  for (const p of [...made].reverse()) await rmdir(p).catch(() => undefined);
}
