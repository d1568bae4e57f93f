import { readdir, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { pino, type DestinationStream } from 'pino';

/** The log file stream: pino writes to it; `flush` then `end` close it. */
export interface RollingFile extends DestinationStream {
  flush(cb: (err?: Error) => void): void;
  end(): void;
  once(event: 'close' | 'write', cb: () => void): unknown;
}

/**
 * A size-rotated log file: `<dir>/<base>.N.log`, appending to the highest N found, moving to N+1 once `maxBytes`
 * were written to it, deleting the files of this process's own rotations beyond the newest `keep`.
 *
 * Why not pino-roll: every `framewise` process opens the library log, and pino-roll loads all of date-fns
 * (~300 files, ~0.13 CPU-s) for date-named files this log does not use. This is the same naming and size rule on
 * pino's own file stream (sonic-boom), without that start-up cost.
 */
export async function openRollingFile(opts: { dir: string; base: string; maxBytes: number; keep: number }): Promise<RollingFile> {
  const name = (n: number) => path.join(opts.dir, `${opts.base}.${n}.log`);
  let number = await lastNumber(opts.dir, opts.base);
  const current = name(number);
  let size = await stat(current).then(
    (s) => s.size,
    () => 0,
  );
  const created = [current];
  const stream = pino.destination({ dest: current, append: true, mkdir: true, sync: false });
  let rotating = false;
  stream.on('write', (written: number) => {
    size += written;
    if (size < opts.maxBytes || rotating) return;
    rotating = true;
    const next = name(++number);
    // Rotate once the lines already buffered reached the old file.
    stream.flush((err) => {
      rotating = false;
      size = 0;
      if (err) return;
      try {
        stream.reopen(next);
      } catch {
        return; // keep writing to the old file rather than lose lines
      }
      created.push(next);
      if (created.length > opts.keep) void Promise.allSettled(created.splice(0, created.length - opts.keep).map((f) => unlink(f)));
    });
  });
  return stream;
}

/** The highest N of the existing `<base>.N.log` files (1 when there is none). */
async function lastNumber(dir: string, base: string): Promise<number> {
  const pattern = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.log$`);
  const files = await readdir(dir).catch(() => [] as string[]);
  return Math.max(1, ...files.map((f) => Number(pattern.exec(f)?.[1] ?? 0)));
}
