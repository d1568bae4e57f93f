import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FramewiseError } from '../util/errors.js';

/** A file name from the browser, made safe as a single path component (keeps the extension). */
export function safeUploadName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? '';
  let name = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f<>:"|?*]/g, '_')
    .replace(/^\.+/, '')
    .trim();
  if (!name) name = 'upload.bin';
  if (name.length > 200) {
    const ext = path.extname(name).slice(0, 20);
    name = name.slice(0, 200 - ext.length) + ext;
  }
  return name;
}

/**
 * Stream a request body into `<dataDir>/uploads/<random>/<name>` (temp file, then rename): the body is
 * never held in memory, so multi-GB uploads are fine. Returns the final path.
 */
export async function receiveUpload(req: IncomingMessage, dataDir: string, rawName: string, dir?: string): Promise<string> {
  dir ??= path.join(dataDir, 'uploads', randomBytes(8).toString('hex'));
  await mkdir(dir, { recursive: true });
  const final = path.join(dir, safeUploadName(rawName));
  const temp = path.join(dir, `.${path.basename(final)}.partial`);
  try {
    await pipeline(req, createWriteStream(temp, { flags: 'wx' }));
    if (req.readableAborted || !req.complete) throw new FramewiseError('truncated', `${path.basename(final)}: the upload was interrupted`);
    await rename(temp, final);
    return final;
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    if (err instanceof FramewiseError) throw err;
    throw new FramewiseError('truncated', `${path.basename(final)}: the upload failed (${(err as Error).message})`);
  }
}

/** The folder of a group of files uploaded together (a model's manifest and its .onnx); null for a bad group id. */
export function uploadGroupDir(dataDir: string, group: string | null): string | null {
  return group && /^[0-9a-f]{16}$/.test(group) ? path.join(dataDir, 'uploads', `group-${group}`) : null;
}

/**
 * Model upload groups whose manifest never arrived (the page was closed between the two files) hold a copy of a
 * model outside the model store: removed when the bridge starts, once an hour old (so another bridge's upload in
 * progress on the same library is left alone).
 */
export async function removeAbandonedUploadGroups(dataDir: string, olderThanMs = 60 * 60 * 1000): Promise<number> {
  const root = path.join(dataDir, 'uploads');
  const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
  let removed = 0;
  for (const e of entries) {
    if (!e.isDirectory() || !/^group-[0-9a-f]{16}$/.test(e.name)) continue;
    const dir = path.join(root, e.name);
    const st = await stat(dir).catch(() => null);
    if (!st || Date.now() - st.mtimeMs < olderThanMs) continue;
    await rm(dir, { recursive: true, force: true });
    removed++;
  }
  return removed;
}
