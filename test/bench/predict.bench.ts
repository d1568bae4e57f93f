import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { liveChildPids } from '../../core/ffmpeg/process.js';
import { BUILTIN_GRAPH_OPTIMIZATION, BUILTIN_MODEL_NAME, buildBuiltinModel, builtinManifest } from '../../core/predict/builtin-model.js';
import { decodeFrames, type FrameGeometry, type Sampling } from '../../core/ffmpeg/decode-frames.js';
import { decodeInWorker } from '../../core/ffmpeg/decode-in-worker.js';
import { InferenceWorker, defaultIntraOpThreads } from '../../core/predict/inference-pool.js';
import { tensorSpecOf } from '../../core/predict/manifest.js';
import { decodeAheadFrames } from '../../core/predict/pipeline-in-worker.js';
import { media } from '../helpers/media.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { predictAndWait, waitIdle } from '../predict/helpers.js';
import { ratioRow, time, type BenchModule, type BenchRow } from './types.js';
import { writeFile } from 'node:fs/promises';
import { cpuSeconds } from './cpu-seconds.js';

const BATCH = 8;
/**
 * Interleaved runs of each side (decode alone, inference alone, the job; then again). The value is the median of
 * the runs' own ratios (each run's three sides measured back to back), the spread their min–max. Not fastest ÷
 * fastest (still in the notes): these machines' speed drifts between minutes — the same decode command took
 * 3.12–4.01 s wall and its CPU seconds varied as much within one session (2026-12-04) — so the fastest decode and
 * the fastest job came from different moments, and that ratio swung 1.03–1.22 between runs of identical code.
 */
const RUNS = 5;

interface Measured<T> {
  wall: number;
  cpu: number;
  result: T;
}

async function measure<T>(fn: () => Promise<T>): Promise<Measured<T>> {
  const c0 = cpuSeconds();
  const { seconds, result } = await time(fn);
  return { wall: seconds, cpu: cpuSeconds() - c0, result };
}

/** Job ÷ max(decode, inference) over the runs: the median of each run's own ratio, and their spread. */
function ratioOverRuns(
  metric: string,
  pick: (m: Measured<unknown>) => number,
  a: Measured<unknown>[],
  b: Measured<unknown>[],
  c: Measured<unknown>[],
  notes: string,
): BenchRow {
  const min = (xs: Measured<unknown>[]) => Math.min(...xs.map(pick));
  const each = c.map((ci, i) => pick(ci) / Math.max(pick(a[i]!), pick(b[i]!)));
  const median = [...each].sort((x, y) => x - y)[Math.floor(each.length / 2)]!;
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const fastest = `fastest ÷ fastest ${r3(min(c) / Math.max(min(a), min(b)))}`;
  const row = ratioRow('predict', metric, median, { op: '<=', value: 1.25 }, `${notes}; ${fastest}`);
  return { ...row, spread: [r3(Math.min(...each)), r3(Math.max(...each))] };
}

function rssOf(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sample this process's RSS and its ffmpeg children's RSS every 50 ms; returns the peaks. */
function memoryPeaks(): { stop: () => { node: number; ffmpeg: number } } {
  let node = process.memoryUsage().rss;
  let ffmpeg = 0;
  const timer = setInterval(() => {
    node = Math.max(node, process.memoryUsage().rss);
    ffmpeg = Math.max(
      ffmpeg,
      liveChildPids().reduce((sum, pid) => sum + rssOf(pid), 0),
    );
  }, 50);
  return {
    stop: () => {
      clearInterval(timer);
      return { node, ffmpeg };
    },
  };
}

const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;

/**
 * Prediction throughput on a generated 1080p 60 s video, every frame through the built-in model (its manifest's input size, 160x160):
 * (a) ffmpeg decode + scale alone, (b) inference alone on as many tensors, (c) the full prediction job,
 * (d) the reference approach: every frame to a JPEG (q 2) on disk, then decode each JPEG and infer it.
 */
export const predictBench: BenchModule = {
  name: 'predict',
  async run() {
    const file = await media.long1080(60);
    const ffmpeg = await Ffmpeg.create();
    const info = await ffmpeg.probe(file);
    const fps = info.fps!;
    const m = builtinManifest();
    const geometry: FrameGeometry = { width: m.input.width, height: m.input.height, colorOrder: 'RGB', resize: 'stretch' };
    const sampling: Sampling = { fps, sampleFps: null };
    const spec = tensorSpecOf(m, m.labels.length, m.output.activation);
    const frameBytes = geometry.width * geometry.height * 3;
    const scratch = await mkdtemp(path.join(os.tmpdir(), 'framewise-bench-predict-'));
    const modelPath = path.join(scratch, 'builtin.onnx');
    await writeFile(modelPath, buildBuiltinModel());
    try {
      // Warm the page cache.
      readFileSync(file);

      const lib = await openTempCore();
      const a: Measured<unknown>[] = [];
      const b: Measured<unknown>[] = [];
      const c: Measured<unknown>[] = [];
      const loads: number[] = [];
      let frames = 0;
      let peaks = { node: 0, ffmpeg: 0 };
      let samples = 0;
      let baseline = 0;
      let queue = '';
      try {
        const [imp] = await importAndWait(lib.core, [file]);
        const videoId = (imp!.output as { videoId: number }).videoId;
        await waitIdle(lib.core);
        baseline = process.memoryUsage().rss;
        for (let run = 0; run < RUNS; run++) {
          loads.push(os.loadavg()[0] ?? 0);
          // (a) decode + scale alone: the job's own ffmpeg command (same filter, pixel format, threads, decode-ahead
          // queue and frame times printed to a FIFO) and the job's own reading of it: every frame read whole, into a batch, by a
          // worker thread from the FIFO (pipeline-in-worker.ts); nothing done with the frames.
          a.push(
            await measure(async () => {
              const r = await decodeInWorker(
                ffmpeg,
                file,
                geometry,
                sampling,
                { url: new URL('./count-frames-worker.js', import.meta.url), job: { batchSize: BATCH } },
                { queueFrames: decodeAheadFrames(frameBytes, BATCH) },
              );
              if (!r || r.times !== 'printed') throw new Error('the job reads frames in its worker on this machine; decode alone must too');
              frames = r.result as number;
            }),
          );
          // (b) inference alone: the same number of tensors, batched and pipelined like the job, same session
          // options; loading the model included, as in the job (and no session left over during the job's memory peak).
          b.push(
            await measure(async () => {
              const worker = await InferenceWorker.start(modelPath, spec, defaultIntraOpThreads(), BUILTIN_GRAPH_OPTIMIZATION);
              const pending: Promise<Float32Array>[] = [];
              for (let done = 0; done < frames; done += BATCH) {
                const n = Math.min(BATCH, frames - done);
                const buf = new Uint8Array(n * frameBytes);
                for (let i = 0; i < buf.length; i += 97) buf[i] = (i * 31 + done) & 255;
                pending.push(worker.infer(buf.buffer, n));
                while (pending.length > 2) await pending.shift();
              }
              await Promise.all(pending);
              await worker.close();
            }),
          );
          // (c) the full prediction job (decode, inference, score file, segments, commit).
          const mem = memoryPeaks();
          const job = await measure(() => predictAndWait(lib.core, { video: videoId, model: BUILTIN_MODEL_NAME, fps: 'all' }));
          const p = mem.stop();
          peaks = { node: Math.max(peaks.node, p.node), ffmpeg: Math.max(peaks.ffmpeg, p.ffmpeg) };
          if (job.result.state !== 'succeeded') throw new Error(`prediction failed: ${JSON.stringify(job.result.error)}`);
          samples = (job.result.output as { samples: number }).samples;
          const q = (job.result.output as { pipeline?: { decodeMs: number | null; inferMs: number | null; maxQueue: number } }).pipeline;
          queue = !q
            ? 'queue size not reported'
            : q.maxQueue === 1
              ? `frames read by the inference worker from ffmpeg's FIFO, one batch of ${BATCH} at a time, ffmpeg decoding up to ${decodeAheadFrames(frameBytes, BATCH)} frames ahead: waiting ${q.decodeMs} ms for a batch's frames / inference ${q.inferMs} ms per batch`
              : `queue sized from measured rates: decode ${q.decodeMs} ms / inference ${q.inferMs} ms per batch of ${BATCH}, at most ${q.maxQueue} batches (${q.maxQueue * BATCH} frames) in flight`;
          c.push(job);
        }
      } finally {
        await lib.close();
      }
      loads.push(os.loadavg()[0] ?? 0);
      const fastest = (xs: Measured<unknown>[], pick: (m: Measured<unknown>) => number) => Math.min(...xs.map(pick));
      const wall = (m: Measured<unknown>) => m.wall;
      const cpu = (m: Measured<unknown>) => m.cpu;
      const sides = (pick: (m: Measured<unknown>) => number, unit: string) =>
        `a ${fastest(a, pick).toFixed(2)} ${unit}, b ${fastest(b, pick).toFixed(2)} ${unit}, c ${fastest(c, pick).toFixed(2)} ${unit}`;
      const load = `load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`;

      // (d) reference: extract every frame to JPEG q2, then decode each JPEG (to the model size) and infer it.
      const jpegDir = path.join(scratch, 'jpeg');
      const { mkdir } = await import('node:fs/promises');
      await mkdir(jpegDir);
      let jpegBytes = 0;
      let jpegCount = 0;
      const d = await time(async () => {
        await ffmpeg.run(['-v', 'error', '-i', file, '-map', '0:v:0', '-q:v', '2', '-f', 'image2', path.join(jpegDir, 'frame_%06d.jpg')]);
        const names = (await readdir(jpegDir)).sort();
        jpegCount = names.length;
        for (const n of names) jpegBytes += (await stat(path.join(jpegDir, n))).size;
        const refWorker = await InferenceWorker.start(modelPath, spec, defaultIntraOpThreads(), BUILTIN_GRAPH_OPTIMIZATION);
        try {
          // One frame at a time, decode then infer, as the reference loop does.
          for await (const f of decodeFrames(ffmpeg, path.join(jpegDir, 'frame_%06d.jpg'), geometry, sampling)) {
            const copy = new Uint8Array(f.data.length);
            copy.set(f.data);
            await refWorker.infer(copy.buffer, 1);
          }
        } finally {
          await refWorker.close();
        }
      });
      await rm(jpegDir, { recursive: true, force: true });

      const rows: BenchRow[] = [
        ratioOverRuns(
          'full job / max(decode alone, inference alone)',
          wall,
          a,
          b,
          c,
          `1080p 60 s, every frame (${samples} samples), built-in model ${m.input.width}x${m.input.height}, median of ${RUNS} interleaved runs' own ratios; fastest wall ${sides(wall, 's')}; ${load}`,
        ),
        // CPU seconds: what a loaded machine distorts far less than wall time. On two cores the job can be no
        // faster than (decode + inference CPU) ÷ 2, so this ratio is what inference adds to the decoder's work.
        ratioOverRuns(
          'full job / max(decode alone, inference alone), CPU seconds',
          cpu,
          a,
          b,
          c,
          `user+sys of this process and its ffmpeg children, median of ${RUNS} runs' own ratios; least ${sides(cpu, 'CPU-s')}; ${load}`,
        ),
        ratioRow(
          'predict',
          'reference (JPEG q2 per frame, decode, infer) / full job',
          d.seconds / fastest(c, wall),
          { op: '>=', value: 4 },
          `d ${d.seconds.toFixed(2)} s; reference wrote ${jpegCount} JPEGs, ${mb(jpegBytes)} on disk; Framewise writes none`,
        ),
        {
          area: 'predict',
          metric: 'peak memory during the job',
          value: Math.round(peaks.node / 1e6),
          unit: 'MB',
          notes: `node process RSS (core + worker) ${mb(peaks.node)}, ${mb(baseline)} before the job; ffmpeg RSS ${mb(peaks.ffmpeg)}; ${queue} whatever the length`,
        },
      ];
      if (frames !== samples)
        rows.push({
          area: 'predict',
          metric: 'error',
          value: NaN,
          unit: '',
          notes: `decode alone gave ${frames} frames, the job ${samples}`,
        });
      return rows;
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  },
};
