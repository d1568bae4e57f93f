import type { Ffmpeg } from './index.js';
import type { FfmpegProgress } from './process.js';
import { FramewiseError, cancelled } from '../util/errors.js';

export interface PcmOptions {
  /** Output sample rate (default: the stream's own). */
  sampleRate?: number;
  /** 1 = downmix to mono; omitted = keep the stream's channels (interleaved). */
  channels?: number;
  /** Which audio stream (default 0). */
  stream?: number;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

/** Arguments of the named operation "decode an audio stream to raw 32-bit float PCM on stdout". */
export function audioPcmArgs(input: string, opts: Pick<PcmOptions, 'sampleRate' | 'channels' | 'stream'> = {}): string[] {
  return [
    '-v',
    'error',
    '-i',
    input,
    '-map',
    `0:a:${opts.stream ?? 0}`,
    '-vn',
    '-sn',
    '-dn',
    ...(opts.channels ? ['-ac', String(opts.channels)] : []),
    ...(opts.sampleRate ? ['-ar', String(opts.sampleRate)] : []),
    '-f',
    'f32le',
    '-c:a',
    'pcm_f32le',
    'pipe:1',
  ];
}

/**
 * Stream an audio stream as float samples (interleaved when several channels), calling `onSamples` with
 * chunks whose length is a whole number of sample frames. Memory stays constant whatever the file length.
 * The consumer may be async (back-pressure: ffmpeg is paused while it works).
 */
export async function streamAudioPcm(
  ffmpeg: Ffmpeg,
  input: string,
  channels: number,
  onSamples: (samples: Float32Array) => void | Promise<void>,
  opts: PcmOptions = {},
): Promise<void> {
  const p = ffmpeg.start(audioPcmArgs(input, opts), {
    pipeStdout: true,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const frameBytes = 4 * channels;
  let rest: Buffer = Buffer.alloc(0);
  const stdout = p.stdout;
  if (!stdout) throw new FramewiseError('internal', 'ffmpeg gave no output pipe');
  try {
    for await (const chunk of stdout as AsyncIterable<Buffer>) {
      const buf = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const usable = buf.length - (buf.length % frameBytes);
      rest = buf.subarray(usable);
      if (usable === 0) continue;
      // Copy into an aligned buffer (Buffer slices may not be 4-byte aligned).
      const aligned = new Float32Array(usable / 4);
      new Uint8Array(aligned.buffer).set(buf.subarray(0, usable));
      await onSamples(aligned);
      if (opts.signal?.aborted) throw cancelled();
    }
  } catch (err) {
    p.child.kill('SIGKILL');
    await p.done.catch(() => undefined);
    throw err;
  }
  await p.done;
}
