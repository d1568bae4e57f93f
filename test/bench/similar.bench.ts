import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { fingerprintVideo } from '../../core/similar/fingerprint.js';
import { matchSequences } from '../../core/similar/match.js';
import { nearest, normalise, type VectorSet } from '../../core/similar/vector-search.js';
import { sceneMedia } from '../helpers/scenes.js';
import { time, type BenchModule, type BenchRow } from './types.js';

const SECONDS = 120;
const CLIPS = 100_000;

/** A deterministic pseudo-random set of unit vectors (xorshift), so runs compare. */
function randomSet(count: number, dim: number): VectorSet {
  const data = new Float32Array(count * dim);
  let x = 2463534242;
  for (let i = 0; i < data.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = ((x >>> 0) / 4294967296) * 2 - 1;
  }
  for (let r = 0; r < count; r++) normalise(data.subarray(r * dim, (r + 1) * dim));
  return { dim, data, count };
}

/**
 * Fingerprinting: seconds per minute of a generated 1080p video (decode + 32×32 downscale at 2 samples/s + hash),
 * and the fast decode the import uses against the full decode, as a ratio within the run.
 * Search: one exact cosine query (top 10) over 100,000 stored clip vectors, for the 64-dim fingerprint vectors
 * and 512-dim embeddings (the median of 20 queries); and the near-duplicate comparison of two 30-minute
 * sequences.
 */
export const similarBench: BenchModule = {
  name: 'similar',
  async run() {
    const rows: BenchRow[] = [];
    const ffmpeg = await Ffmpeg.create();
    const long = await sceneMedia.long1080p(SECONDS);
    const info = await ffmpeg.probe(long);
    const video = { file: long, fps: info.fps!, duration: info.duration };
    // The import's fingerprint job (fast decode) against the full decode it replaced, interleaved, fastest of 2.
    const fast: number[] = [];
    const full: number[] = [];
    let samples = 0;
    for (let round = 0; round < 2; round++) {
      const a = await time(() => fingerprintVideo(ffmpeg, video, { decode: 'full' }));
      const b = await time(() => fingerprintVideo(ffmpeg, video));
      full.push(a.seconds);
      fast.push(b.seconds);
      samples = b.result.times.length;
    }
    const fastest = Math.min(...fast);
    const before = Math.min(...full);
    const perMinute = (fastest / info.duration) * 60;
    rows.push({
      area: 'similar',
      metric: `fingerprint time per minute of 1080p video (${SECONDS} s file)`,
      value: Math.round(perMinute * 100) / 100,
      unit: 's/min',
      target: '<= 20',
      pass: perMinute <= 20,
      notes: `${samples} samples in ${fastest.toFixed(1)} s (fastest of 2)`,
    });
    rows.push({
      area: 'similar',
      metric: 'fingerprint: fast decode ÷ full decode (same file, same run)',
      value: Math.round((fastest / before) * 1000) / 1000,
      unit: '×',
      target: '<= 0.8',
      pass: fastest / before <= 0.8,
      notes: `fast ${fast.map((x) => x.toFixed(1)).join(', ')} s; full ${full.map((x) => x.toFixed(1)).join(', ')} s (interleaved)`,
    });
    for (const dim of [64, 512]) {
      const set = randomSet(CLIPS, dim);
      const times: number[] = [];
      for (let q = 0; q < 20; q++) {
        const query = set.data.slice(q * 997 * dim, (q * 997 + 1) * dim);
        times.push((await time(async () => nearest(set, query, { top: 10 }))).seconds * 1000);
      }
      times.sort((a, b) => a - b);
      const median = times[10]!;
      rows.push({
        area: 'similar',
        metric: `exact cosine search, top 10 of ${CLIPS.toLocaleString('en')} clip vectors (${dim} float32)`,
        value: Math.round(median * 10) / 10,
        unit: 'ms',
        target: '<= 200',
        pass: median <= 200,
      });
    }
    const seq = (n: number, seed: number) => {
      const w = new Uint32Array(n * 2);
      let x = seed;
      for (let i = 0; i < w.length; i++) w[i] = x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return w;
    };
    const m = await time(async () => matchSequences(seq(3600, 1), seq(3600, 2)));
    rows.push({
      area: 'similar',
      metric: 'near-duplicate comparison of two 30-minute fingerprint sequences',
      value: Math.round(m.seconds * 1000) / 1000,
      unit: 's',
      target: '<= 2',
      pass: m.seconds <= 2,
    });
    return rows;
  },
};
