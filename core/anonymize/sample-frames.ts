import type { Ffmpeg } from '../ffmpeg/index.js';

/**
 * Stream sampled frames of a video as PNG images from ONE ffmpeg process (no per-frame files): every
 * `interval` seconds, as grey images (OCR needs no colour). `onFrame` is awaited, so a slow reader applies
 * back-pressure to ffmpeg through the pipe.
 */
export interface SampledFrame {
  index: number;
  /** Seconds in the video. */
  time: number;
  png: Buffer;
}

const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Split a byte stream of concatenated PNG files. Returns complete images and the unconsumed rest. */
export function splitPngs(buf: Buffer): { images: Buffer[]; rest: Buffer } {
  const images: Buffer[] = [];
  let start = 0;
  for (;;) {
    if (buf.length - start < 8) break;
    if (!buf.subarray(start, start + 8).equals(PNG_SIG)) throw new Error('not a PNG stream');
    let p = start + 8;
    let end = -1;
    while (p + 8 <= buf.length) {
      const len = buf.readUInt32BE(p);
      const type = buf.toString('ascii', p + 4, p + 8);
      const next = p + 12 + len;
      if (next > buf.length) break;
      p = next;
      if (type === 'IEND') {
        end = p;
        break;
      }
    }
    if (end < 0) break;
    images.push(buf.subarray(start, end));
    start = end;
  }
  return { images, rest: buf.subarray(start) };
}

export async function sampleFrames(
  ffmpeg: Ffmpeg,
  file: string,
  opts: { interval: number; signal?: AbortSignal; onFrame: (f: SampledFrame) => Promise<void> },
): Promise<number> {
  const rate = 1 / opts.interval;
  const p = ffmpeg.start(
    [
      '-v',
      'error',
      '-i',
      file,
      '-map',
      '0:v:0',
      // One frame per interval (the first at t = 0), grey, as a PNG stream on stdout.
      '-vf',
      `fps=fps=${rate.toFixed(6)}:round=down,format=gray`,
      '-c:v',
      'png',
      '-compression_level',
      '1',
      '-f',
      'image2pipe',
      'pipe:1',
    ],
    { pipeStdout: true, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  let chain = Promise.resolve();
  let failure: unknown = null;
  let outstanding = 0;
  const stdout = p.stdout!;
  stdout.on('data', (d: Buffer) => {
    pending = pending.length ? Buffer.concat([pending, d]) : d;
    let split: ReturnType<typeof splitPngs>;
    try {
      split = splitPngs(pending);
    } catch (err) {
      failure = err;
      p.child.kill('SIGKILL');
      return;
    }
    pending = Buffer.from(split.rest);
    for (const png of split.images) {
      const i = index++;
      const copy = Buffer.from(png);
      outstanding++;
      stdout.pause();
      chain = chain
        .then(() => (failure ? undefined : opts.onFrame({ index: i, time: i * opts.interval, png: copy })))
        .catch((err: unknown) => {
          failure ??= err;
          p.child.kill('SIGKILL');
        })
        .finally(() => {
          if (--outstanding === 0) stdout.resume();
        });
    }
  });
  try {
    await p.done;
  } catch (err) {
    await chain;
    throw failure ?? err;
  }
  await chain;
  if (failure) throw failure;
  return index;
}
