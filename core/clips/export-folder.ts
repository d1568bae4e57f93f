import { randomBytes } from 'node:crypto';
import { rm, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FramewiseError } from '../util/errors.js';
import { fileSystemReason, makeFolders } from '../util/fs.js';

/**
 * Make the export folder and prove a file can be written there, before any clip is cut, so an unusable folder
 * is refused at once with its path and the reason. Returns the folders it made (outermost first), so that an
 * export that ends with nothing to show can take them away again (`removeMadeFolders`).
 */
export async function prepareExportFolder(dir: string): Promise<{ folder: string; made: string[] }> {
  const folder = path.resolve(dir);
  const fail = (err: unknown) =>
    new FramewiseError('output_folder_missing', `Cannot export clips into ${folder}: ${fileSystemReason(err)}`, { folder });
  let made: string[];
  try {
    made = await makeFolders(folder);
  } catch (err) {
    throw fail(err);
  }
  const probe = path.join(folder, `.framewise-write-test-${randomBytes(6).toString('hex')}`);
  try {
    await writeFile(probe, '');
  } catch (err) {
    throw fail(err);
  } finally {
    await rm(probe, { force: true }).catch(() => undefined);
  }
  return { folder, made };
}

/** Remove folders `prepareExportFolder` made, innermost first, where they are still empty (anything in them stays). */
export async function removeMadeFolders(made: string[]): Promise<void> {
  for (const p of [...made].reverse()) await rmdir(p).catch(() => undefined);
}
