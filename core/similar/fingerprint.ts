/**
 * The fingerprint sequence of a whole video: ffmpeg decodes, samples (2 per second) and shrinks every frame to
 * 32×32 RGB straight into a pipe; each frame is hashed and dropped, so memory stays flat whatever the length.
 *
 * Decoding is nearly all of the cost (the 32×32 resize and the hashes run on 2 frames a second only), so the
 * decoder does less work than for viewing (`decode: 'fast'`): no deblocking (`-skip_loop_filter all`: the
 * 32×32 picture cannot show block edges) and no decoding of frames nothing else refers to (`-skip_frame
 * noref`, the non-reference B-frames: a sample is then the next decoded frame, at most a few frames later).
 * On a 1080p x264 "veryfast" file ffmpeg alone measured 2.47 → 1.34 user-s for 20 s with -skip_frame noref.
 */
import type { Ffmpeg } from '../ffmpeg/index.js';
import { decodeFrames } from '../ffmpeg/decode-frames.js';
import { FramewiseError } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { colourHistogram, HASH_SIZE, hashWords, HISTOGRAM_LENGTH, perceptualHash } from './phash.js';

export const SAMPLE_FPS = 2;

export interface FingerprintSequence {
  sampleFps: number;
  /** Seconds from the first frame, one per sample. */
  times: Float32Array;
  /** Two 32-bit words (high, low) per sample's 64-bit hash. */
  hashes: Uint32Array;
  /** HISTOGRAM_LENGTH values per sample. */
  histograms: Float32Array;
}

/**
 * The antialiased resize stays: it runs on the 2 sampled frames a second only (cheap), and fast_bilinear's
 * point sampling made the hash follow the pixel grid (a copy cropped by 5 % scored 0.67 instead of matching).
 */
export const FRAME_GEOMETRY = { width: HASH_SIZE, height: HASH_SIZE, colorOrder: 'RGB', resize: 'stretch' } as const;

/** Decoder options of the fast decode (see above); 'full' decodes every frame fully (the bench's baseline). */
export const FAST_DECODE = ['-skip_loop_filter', 'all', '-skip_frame', 'noref'];

/** Hash and histogram of one 32×32 RGB frame. */
export function frameFingerprint(rgb: Uint8Array): { hash: bigint; histogram: Float32Array } {
  return { hash: perceptualHash(rgb), histogram: colourHistogram(rgb, HASH_SIZE * HASH_SIZE) };
}

export async function fingerprintVideo(
  ffmpeg: Ffmpeg,
  v: { file: string; fps: Fraction; duration: number },
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void; decode?: 'fast' | 'full' } = {},
): Promise<FingerprintSequence> {
  const full = opts.decode === 'full';
  const times: number[] = [];
  const hashes: bigint[] = [];
  const histograms: number[] = [];
  let lastReport = 0;
  for await (const f of decodeFrames(
    ffmpeg,
    v.file,
    FRAME_GEOMETRY,
    { fps: v.fps, sampleFps: SAMPLE_FPS },
    { ...(opts.signal ? { signal: opts.signal } : {}), ...(full ? {} : { decoderOptions: FAST_DECODE }) },
  )) {
    const fp = frameFingerprint(f.data);
    times.push(f.time);
    hashes.push(fp.hash);
    for (const x of fp.histogram) histograms.push(x);
    if (opts.onProgress && v.duration > 0 && f.time - lastReport >= 2) {
      lastReport = f.time;
      opts.onProgress(Math.min(1, f.time / v.duration));
    }
  }
  if (!hashes.length) throw new FramewiseError('undecodable', `${v.file}: no video frame could be decoded`);
  if (histograms.length !== hashes.length * HISTOGRAM_LENGTH) throw new Error('fingerprint histogram size mismatch');
  return { sampleFps: SAMPLE_FPS, times: Float32Array.from(times), hashes: hashWords(hashes), histograms: Float32Array.from(histograms) };
}
