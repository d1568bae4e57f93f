import os from 'node:os';
import type { AnonymizationPlan, QualityPreset, Rect } from '../anonymize/types.js';
import type { Ffmpeg } from './index.js';
import type { Ran } from './ops.js';

/**
 * Turn a plan into the arguments of ONE ffmpeg invocation (pure). The graph:
 *   video: [blackout segments (drawbox, timeline by frame number)] → [timed masks: filled or blurred, by frame
 *          number] → [select kept frames + setpts] → [overlay of the static mask image] → [blur boxes] → [crop]
 *          → yuv420p
 *   audio (only when kept): atrim per kept range + concat (sample-accurate, in sync with the cuts),
 *          muted during blacked-out segments.
 * Metadata, chapters, subtitles, data streams and attachments are never mapped; bitexact flags keep the
 * encoder's version strings and creation time out of the file.
 */
export interface RenderArgsInput {
  input: string;
  /** The mask image (see mask.ts) and where it goes; null when there is no static mask. */
  mask: { path: string; rect: Rect } | null;
  output: string;
  /** Test hook: build the graph without any mask (to prove verification rejects the result). */
  unsafeDisableMasks?: boolean;
  /** Override the encoder's thread count (benchmarks compare like for like). */
  threads?: number;
  /** CPU cores the render may use (decides the decoder's threads, see `decoderThreadArgs`); default: this machine's. */
  cores?: number;
}

export const x264Presets: Record<QualityPreset, { preset: string; crf: number }> = {
  fast: { preset: 'veryfast', crf: 23 },
  balanced: { preset: 'medium', crf: 20 },
  quality: { preset: 'slow', crf: 18 },
};
export const x265Presets: Record<QualityPreset, { preset: string; crf: number }> = {
  fast: { preset: 'veryfast', crf: 26 },
  balanced: { preset: 'medium', crf: 24 },
  quality: { preset: 'slow', crf: 22 },
};

const sec = (frames: number, fps: { num: number; den: number }) => ((frames * fps.den) / fps.num).toFixed(6);

function parseFps(text: string): { num: number; den: number } {
  const [n, d] = text.split('/').map(Number);
  return { num: n ?? 25, den: d ?? 1 };
}

/** The smallest even-aligned rectangle (yuv420 chroma) that covers `r`, inside the frame. */
export function evenCover(r: Rect, frame: { width: number; height: number }): Rect {
  const x = Math.max(0, r.x & ~1);
  const y = Math.max(0, r.y & ~1);
  const x1 = Math.min(frame.width & ~1 || frame.width, (r.x + r.width + 1) & ~1);
  const y1 = Math.min(frame.height & ~1 || frame.height, (r.y + r.height + 1) & ~1);
  return { x, y, width: Math.max(2, x1 - x), height: Math.max(2, y1 - y) };
}

/**
 * A strong blur of each box: cropped out, box-blurred three times with the largest radius the box allows (about
 * half its smaller side: letters melt into the background, the area keeps its colour) and laid back over the
 * frame, optionally only while `enable` holds. Returns the label of the result.
 */
function blurBoxes(
  parts: string[],
  from: string,
  boxes: Array<{ rect: Rect; enable?: string }>,
  frame: { width: number; height: number },
  next: () => string,
  tag: string,
): string {
  const labels = boxes.map((_, i) => `[${tag}src${i}]`);
  const base = `[${tag}base]`;
  parts.push(`${from}split=${boxes.length + 1}${base}${labels.join('')}`);
  let acc = base;
  boxes.forEach((b, i) => {
    const { x, y, width: w, height: h } = evenCover(b.rect, frame);
    const lr = Math.max(1, Math.floor(Math.min(w, h) / 2) - 1);
    const cr = Math.max(1, Math.floor(Math.min(w, h) / 4) - 1);
    const when = b.enable ? `:enable='${b.enable}'` : '';
    parts.push(`${labels[i]}crop=${w}:${h}:${x}:${y},boxblur=${lr}:3:${cr}:3${when}[${tag}b${i}]`);
    const out = next();
    parts.push(`${acc}[${tag}b${i}]overlay=x=${x}:y=${y}${when}${out}`);
    acc = out;
  });
  return acc;
}

/** The video filter chain from [0:v] to [vout]. */
export function videoGraph(plan: AnonymizationPlan, mask: RenderArgsInput['mask'], opts: { unsafeDisableMasks?: boolean } = {}): string[] {
  const fps = parseFps(plan.input.fps);
  const parts: string[] = [];
  let cur = '[0:v]';
  let n = 0;
  const next = () => `[v${n++}]`;
  const chain: string[] = [];
  // Black-out segments: decided on the original frame numbers, so before any frame is dropped.
  for (const b of plan.blacked) {
    chain.push(`drawbox=x=0:y=0:w=iw:h=ih:color=black:t=fill:enable='between(n,${b.startFrame},${b.endFrame - 1})'`);
  }
  // Timed masks (text that appears mid-video): filled boxes for their source frame range, before any cut.
  const timed = opts.unsafeDisableMasks ? [] : (plan.masks.timed ?? []);
  if (plan.masks.style === 'fill') {
    for (const m of timed) {
      const r = m.rect;
      chain.push(
        `drawbox=x=${r.x}:y=${r.y}:w=${r.width}:h=${r.height}:color=black:t=fill:enable='between(n,${m.startFrame},${m.endFrame - 1})'`,
      );
    }
  } else if (timed.length) {
    // Strongly blurred instead, each for its range (n is still the source frame number: before any cut).
    if (chain.length) {
      const out = next();
      parts.push(`${cur}${chain.join(',')}${out}`);
      cur = out;
      chain.length = 0;
    }
    cur = blurBoxes(
      parts,
      cur,
      timed.map((m) => ({ rect: m.rect, enable: `between(n,${m.startFrame},${m.endFrame - 1})` })),
      { width: plan.input.width, height: plan.input.height },
      next,
      't',
    );
  }
  if (plan.removed.length) {
    const cond = plan.removed.map((r) => `between(n,${r.startFrame},${r.endFrame - 1})`).join('+');
    chain.push(`select='not(${cond})'`);
    chain.push(`setpts=N*${fps.den}/(${fps.num}*TB)`);
  }
  if (chain.length) {
    const out = next();
    parts.push(`${cur}${chain.join(',')}${out}`);
    cur = out;
  }
  if (mask && !opts.unsafeDisableMasks) {
    const out = next();
    parts.push(`${cur}[1:v]overlay=x=${mask.rect.x}:y=${mask.rect.y}:eof_action=repeat:format=yuv420${out}`);
    cur = out;
  }
  if (plan.masks.style === 'blur' && plan.masks.boxes.length && !opts.unsafeDisableMasks) {
    cur = blurBoxes(
      parts,
      cur,
      plan.masks.boxes.map((rect) => ({ rect })),
      { width: plan.input.width, height: plan.input.height },
      next,
      'b',
    );
  }
  const tail: string[] = [];
  if (plan.crop) tail.push(`crop=${plan.crop.width}:${plan.crop.height}:${plan.crop.x}:${plan.crop.y}`);
  tail.push('format=yuv420p');
  parts.push(`${cur}${tail.join(',')}[vout]`);
  return parts;
}

/** Silence the speech ranges (source seconds) of the audio; null when there are none. */
export function speechMuteFilter(ranges: Array<{ start: number; end: number }>): string | null {
  if (!ranges.length) return null;
  return `volume=0:enable='${ranges.map((r) => `between(t,${r.start.toFixed(6)},${r.end.toFixed(6)})`).join('+')}'`;
}

/** The audio chain from [0:a:0] to [aout] (only when the plan keeps audio). */
export function audioGraph(plan: AnonymizationPlan): string[] {
  const fps = parseFps(plan.input.fps);
  const parts: string[] = [];
  let src = '[0:a:0]';
  const muteSpeech = speechMuteFilter(plan.audio.mutedSpeech ?? []);
  if (muteSpeech) {
    parts.push(`${src}${muteSpeech}[aspeechmuted]`);
    src = '[aspeechmuted]';
  }
  if (plan.blacked.length) {
    const cond = plan.blacked.map((b) => `between(t,${sec(b.startFrame, fps)},${sec(b.endFrame, fps)})`).join('+');
    parts.push(`${src}volume=0:enable='${cond}'[amuted]`);
    src = '[amuted]';
  }
  if (!plan.removed.length) {
    parts.push(`${src}anull[aout]`);
    return parts;
  }
  const kept = plan.kept;
  if (kept.length === 1) {
    const k = kept[0]!;
    parts.push(`${src}atrim=start=${sec(k.startFrame, fps)}:end=${sec(k.endFrame, fps)},asetpts=PTS-STARTPTS[aout]`);
    return parts;
  }
  const labels = kept.map((_, i) => `[as${i}]`);
  parts.push(`${src}asplit=${kept.length}${labels.join('')}`);
  kept.forEach((k, i) =>
    parts.push(`${labels[i]}atrim=start=${sec(k.startFrame, fps)}:end=${sec(k.endFrame, fps)},asetpts=PTS-STARTPTS[ak${i}]`),
  );
  parts.push(`${kept.map((_, i) => `[ak${i}]`).join('')}concat=n=${kept.length}:v=0:a=1[aout]`);
  return parts;
}

/**
 * Encoder arguments for the plan's codec and preset (shared with the benchmark's plain re-encode). `lookahead`: x264's
 * larger lookahead buffer (X264_LOOKAHEAD; the render's, not the plain re-encode's).
 */
export function encoderArgs(codec: 'h264' | 'hevc', preset: QualityPreset, threads?: number, opts: { lookahead?: boolean } = {}): string[] {
  const t = threads ? ['-threads', String(threads)] : [];
  if (codec === 'hevc') {
    const p = x265Presets[preset];
    return ['-c:v', 'libx265', '-preset', p.preset, '-crf', String(p.crf), '-x265-params', 'log-level=error', '-tag:v', 'hvc1', ...t];
  }
  const p = x264Presets[preset];
  const params = opts.lookahead ? `${X264_GOP}:${X264_LOOKAHEAD}` : X264_GOP;
  return ['-c:v', 'libx264', '-preset', p.preset, '-crf', String(p.crf), '-x264-params', params, ...t];
}

/**
 * The frame pattern of every x264 render: I/P frames with exactly two B frames between them (no adaptive B-frame
 * choice) and no B frame used as a reference. The verifier decodes reference frames only (`-skip_frame noref`) and
 * samples among them: with x264's default pattern (adaptive runs of up to 3 B frames, the middle one a reference)
 * it decoded 986 of the bench clip render's 1,800 frames for 127 samples; with this one 606 for 122 samples (every
 * 15th frame but after the keyframes, every 250 frames, where the pattern starts again: reference frames ≤ 3
 * apart), ffmpeg's decoding CPU 2.8 → 1.8–2.2 s (−20 to −37 %); the bench's verification ÷ render fell from 0.431×
 * to 0.393× CPU (runs of the same hour).
 * The price, on the bench clip's render (1080p, veryfast crf 23): 26.7 MB against 26.0 (+2.4 %), SSIM to the source
 * 0.9816 against 0.9818; x264's CPU about the same. At 29.97 fps the sampling step is 14 frames, which reference
 * frames 3 apart cannot meet: samples fall every 12 frames (the same clip at 30000/1001: 150 samples against 133),
 * and the cheaper decoding only evens that out (verification 13.6 and 16.0 CPU-s against 14.6 and 14.8 in two
 * interleaved pairs). A pattern chosen from the step (1 B frame for even steps) is not built.
 */
export const X264_GOP = 'bframes=2:b-adapt=0:b-pyramid=none';

/**
 * Frames between consecutive reference frames of a render, at most, for both codecs: x264 by its fixed pattern
 * (X264_GOP: I/P B B I/P), x265 as measured on its own at these presets. The verifier samples by it.
 */
export const RENDER_REFERENCE_DISTANCE = 3;

/**
 * x264's threaded lookahead may run this many frames ahead of the encoding threads (default: b-frames + 1 = 4).
 * Its frame-type and MB-tree analysis is one thread; with only 4 frames of slack the frame threads (and ffmpeg's
 * main thread, which waits on them) often sat idle while it caught up, so on two cores a render's wall time was
 * well above its CPU time ÷ 2. A larger buffer changes no decision: the output is byte for byte the same
 * (test/anonymize/render-args.test.ts), at the cost of 32 buffered frames (≈ 100 MB at 1080p).
 */
export const X264_LOOKAHEAD = 'sync-lookahead=32';

/**
 * Decoder threads of the render's input. ffmpeg decodes with cores + 1 frame threads by default; on two cores
 * x264's frame and lookahead threads already keep both cores busy, so the decoder's extra threads only add
 * context switches, wake-ups and frames in flight (kernel time for their memory). Decoding on ffmpeg's main
 * thread instead cost 1–24 % (median 12 %) less CPU per render in 7 interleaved pairs (10 s of the bench's 1080p
 * clip, heavily loaded host; docs/benchmarks.md, feat/x264). The decoded frames, and so the output bytes, are the same
 * (test/anonymize/render-args.test.ts). With more cores ffmpeg's default stays: there a single-threaded decoder
 * could become the bottleneck.
 */
export function decoderThreadArgs(cores: number): string[] {
  return cores <= 2 ? ['-threads', '1'] : [];
}

const machineCores = (): number => os.availableParallelism?.() ?? os.cpus().length;

/** The complete argument list for the render (input, graph, encoders, metadata scrubbing, output). */
export function buildRenderArgs(plan: AnonymizationPlan, r: RenderArgsInput): string[] {
  const graph = [...videoGraph(plan, r.mask, { unsafeDisableMasks: r.unsafeDisableMasks ?? false })];
  if (plan.audio.keep) graph.push(...audioGraph(plan));
  const args = [
    '-v',
    'error',
    // Coordinates are display pixels (as OCR reports them): ffmpeg rotates frames upright before the graph,
    // so the output is upright and carries no rotation metadata.
    ...decoderThreadArgs(r.cores ?? machineCores()),
    '-i',
    r.input,
  ];
  if (r.mask && !r.unsafeDisableMasks) args.push('-i', r.mask.path);
  args.push('-filter_complex', graph.join(';'), '-map', '[vout]');
  if (plan.audio.keep) args.push('-map', '[aout]', '-c:a', 'aac', '-b:a', '128k');
  args.push(
    ...encoderArgs(plan.output.codec, plan.output.preset, r.threads, { lookahead: true }),
    '-map_metadata',
    '-1',
    '-map_metadata:s:v',
    '-1',
    '-map_chapters',
    '-1',
    '-sn',
    '-dn',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    r.output,
  );
  return args;
}

/**
 * The named operation: render an anonymization plan in one ffmpeg run (`buildRenderArgs`); returns the command
 * line it ran. Errors are ffmpeg's (`disk_full`, `ffmpeg_failed`, …) or `cancelled`.
 */
export async function renderAnonymizedVideo(
  ffmpeg: Ffmpeg,
  plan: AnonymizationPlan,
  r: RenderArgsInput,
  opts: { signal?: AbortSignal; onProgress?: (outTime: number) => void } = {},
): Promise<Ran> {
  const args = buildRenderArgs(plan, r);
  const { command } = await ffmpeg.run(args, {
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.onProgress ? { onProgress: (p: { outTime: number }) => opts.onProgress!(p.outTime) } : {}),
  });
  return { command };
}
