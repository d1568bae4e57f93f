import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, copyFile, open } from 'node:fs/promises';
import path from 'node:path';
import { cancelled } from './errors.js';

/** A sibling temp path for atomic writes: same folder, so rename is atomic. */
export function tempSibling(finalPath: string): string {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  return path.join(dir, `.${base}.${randomBytes(6).toString('hex')}.partial`);
}

/**
 * Write a file atomically: `produce` writes to a temp path, which is renamed onto `finalPath` only when
 * it resolves. On any error (or abort) the temp file is removed and nothing exists at `finalPath`.
 */
export async function writeAtomically<T>(finalPath: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const temp = tempSibling(finalPath) + path.extname(finalPath);
  try {
    const result = await produce(temp);
    await rename(temp, finalPath);
    return result;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}

export async function copyAtomically(src: string, dest: string): Promise<void> {
  await writeAtomically(dest, async (tmp) => {
    await copyFile(src, tmp);
    const fh = await open(tmp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  });
}

/** Streamed sha256 of a file (never buffers the whole file). */
export async function sha256File(file: string, opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const onAbort = () => stream.destroy(cancelled());
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      hash.update(chunk);
      bytes += chunk.length;
      opts.onProgress?.(bytes);
    }
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  if (opts.signal?.aborted) throw cancelled();
  return hash.digest('hex');
}
