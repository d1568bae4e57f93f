import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, copyFile, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { cancelled } from './errors.js';
import { forgetPartialOutput, notePartialOutput } from './partial-outputs.js';

/** A sibling temp path for atomic writes: same folder, so rename is atomic. */
export function tempSibling(finalPath: string): string {
  const dir = path.dirname(finalPath);
  const base = path.basename(finalPath);
  return path.join(dir, `.${base}.${randomBytes(6).toString('hex')}.partial`);
}

/** A path on the way to a folder to be made is a file. */
export class NotAFolderError extends Error {
  readonly code = 'ENOTDIR';
  constructor(readonly path: string) {
    super(`${path} is a file, not a folder`);
  }
}

/**
 * Make `dir` and the parents it lacks, one level at a time; returns the folders made, outermost first (so a
 * caller that ends with nothing to show can remove them again). Not `mkdir({ recursive: true })`: Node's loops
 * forever where the kernel answers ENOENT for a parent that exists (under /proc: an export or an anonymized
 * video asked for in /proc/out hung). Throws the file system's errors, or NotAFolderError.
 */
export async function makeFolders(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    const st = await stat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
      throw err;
    });
    if (st?.isDirectory()) break;
    if (st) throw new NotAFolderError(p);
    if (p === path.dirname(p)) break;
    missing.unshift(p);
  }
  const made: string[] = [];
  for (const p of missing)
    await mkdir(p).then(
      () => made.push(p),
      (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      },
    );
  return made;
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'a folder cannot be made there',
  ENOTDIR: 'part of the path is a file, not a folder',
};

/** Why a file system call failed, in words for a message (the error's own text where there are none). */
export function fileSystemReason(err: unknown): string {
  if (err instanceof NotAFolderError) return err.message;
  return REASONS[(err as NodeJS.ErrnoException).code ?? ''] ?? (err instanceof Error ? err.message : String(err));
}

/** `tempSibling` keeping the file's extension (ffmpeg picks the container by it). */
export const tempSiblingWithExt = (finalPath: string): string => tempSibling(finalPath) + path.extname(finalPath);

/**
 * Write a file atomically: `produce` writes to a temp path, which is renamed onto `finalPath` only when
 * it resolves. On any error (or abort) the temp file is removed and nothing exists at `finalPath`.
 */
export async function writeAtomically<T>(finalPath: string, produce: (tempPath: string) => Promise<T>): Promise<T> {
  await mkdir(path.dirname(finalPath), { recursive: true });
  const temp = tempSiblingWithExt(finalPath);
  await notePartialOutput(temp);
  try {
    const result = await produce(temp);
    await rename(temp, finalPath);
    return result;
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  } finally {
    await forgetPartialOutput(temp);
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

/** Bytes per read while hashing: large reads keep the hash at disk (or page-cache) speed. */
const HASH_READ_BYTES = 4 << 20;

/**
 * sha256 of a file, computed in a worker thread: hashing a 304 MB file is about 0.2 CPU-s of synchronous
 * `hash.update` calls, which on the core's main thread showed up as event-loop stalls during an import (the
 * import bench measures them). The worker reads and hashes with `sha256FileHere`; progress and the result
 * come back as messages, and an abort ends the worker's loop between reads.
 */
export function sha256File(file: string, opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {}): Promise<string> {
  const { signal, onProgress } = opts;
  if (signal?.aborted) return Promise.reject(cancelled());
  return new Promise<string>((resolve, reject) => {
    const worker = new Worker(new URL('./hash-worker.js', import.meta.url), { workerData: { file } });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const onAbort = () => worker.postMessage('abort');
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: HashWorkerMessage) => {
      if (m.type === 'progress') onProgress?.(m.bytes);
      else if (m.type === 'done') settle(() => resolve(m.sha256));
      else settle(() => reject(signal?.aborted || m.cancelled ? cancelled() : errorFromWorker(m)));
    });
    worker.on('error', (err) => settle(() => reject(err)));
    worker.on('exit', () => settle(() => reject(signal?.aborted ? cancelled() : new Error(`${file}: the hashing thread stopped`))));
  });
}

export type HashWorkerMessage =
  | { type: 'progress'; bytes: number }
  | { type: 'done'; sha256: string }
  | { type: 'error'; message: string; code?: string; cancelled?: boolean };

/** Rebuild the worker's error (its Node error code kept, so ENOENT/EACCES still read as such). */
function errorFromWorker(m: { message: string; code?: string }): Error {
  const err = new Error(m.message) as NodeJS.ErrnoException;
  if (m.code) err.code = m.code;
  return err;
}

/**
 * Streamed sha256 of a file in this thread (never buffers the whole file). Two reused 4 MiB buffers: the next positional read
 * (on libuv's thread pool) fills one while the other is hashed in place, so reading and hashing overlap and
 * there is no per-chunk allocation or copy. Profiled on a 304 MB file in the page cache: a 1 MiB read stream
 * spent its time in per-chunk allocation and GC, a single buffer left the hash waiting for each read.
 */
export async function sha256FileHere(
  file: string,
  opts: { signal?: AbortSignal; onProgress?: (bytes: number) => void } = {},
): Promise<string> {
  const hash = createHash('sha256');
  const fh = await open(file, 'r');
  const buffers = [Buffer.allocUnsafe(HASH_READ_BYTES), Buffer.allocUnsafe(HASH_READ_BYTES)] as const;
  let bytes = 0;
  let turn = 0;
  let reading: Promise<{ bytesRead: number }> | null = fh.read(buffers[0], 0, HASH_READ_BYTES, 0);
  try {
    while (reading) {
      const { bytesRead }: { bytesRead: number } = await reading;
      reading = null;
      if (opts.signal?.aborted) throw cancelled();
      if (bytesRead === 0) break;
      const buf = buffers[turn]!;
      const position: number = bytes + bytesRead;
      // Start the next read before hashing this one.
      turn ^= 1;
      reading = fh.read(buffers[turn]!, 0, HASH_READ_BYTES, position);
      hash.update(bytesRead === buf.length ? buf : buf.subarray(0, bytesRead));
      bytes = position;
      opts.onProgress?.(bytes);
    }
  } finally {
    // Never close under a read still in flight.
    if (reading) await (reading as Promise<unknown>).catch(() => undefined);
    await fh.close();
  }
  if (opts.signal?.aborted) throw cancelled();
  return hash.digest('hex');
}
