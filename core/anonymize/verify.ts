import { z } from 'zod';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { cancelled } from '../util/errors.js';
import { maskAlpha } from './mask.js';
import { sampleFrames } from './sample-frames.js';
import { linesOf, type TextReader, type TextWord } from './text-reader.js';
import { fieldLabels, findTokensInLine, normalizeText, type PatientToken } from './tokens.js';
import type { AnonymizationPlan, Rect } from './types.js';

/**
 * Verification of a rendered output (fail closed): re-probe (duration, streams, tags) and OCR of sampled
 * frames (patient tokens anywhere; any text inside the masked areas). Findings name the frame, the place
 * and the patient FIELD that matched — never the text read, so reports and logs carry no patient data.
 */
export interface VerificationFinding {
  check: 'duration' | 'streams' | 'tags' | 'size' | 'patient_text' | 'masked_text' | 'speech';
  message: string;
  /** Output frame number and time (seconds) for OCR findings. */
  frame?: number;
  time?: number;
  box?: Rect;
  field?: string;
}

export interface VerificationResult {
  ok: boolean;
  reader: string;
  checkedAt: string;
  expectedDuration: number;
  outputDuration: number;
  sampledFrames: number;
  interval: number;
  streams: Array<{ type: string; codec: string | null }>;
  /** The first findings (at most 100), in time order. */
  findings: VerificationFinding[];
  findingCount: number;
  /** Wall-clock seconds spent verifying. */
  seconds: number;
}

const probeSchema = z.object({
  streams: z
    .array(
      z
        .object({
          index: z.number(),
          codec_type: z.string().optional(),
          codec_name: z.string().optional(),
          width: z.number().optional(),
          height: z.number().optional(),
          duration: z.string().optional(),
          nb_frames: z.string().optional(),
          disposition: z.record(z.string(), z.number()).optional(),
          tags: z.record(z.string(), z.string()).optional(),
        })
        .loose(),
    )
    .default([]),
  format: z
    .object({ duration: z.string().optional(), tags: z.record(z.string(), z.string()).optional() })
    .loose()
    .optional(),
  chapters: z.array(z.unknown()).default([]),
});

const FORMAT_TAGS = new Set(['major_brand', 'minor_version', 'compatible_brands', 'encoder']);
const STREAM_TAGS = new Set(['language', 'handler_name', 'vendor_id', 'encoder']);

/** Allowed tag values: only what the muxer and encoders write by themselves. */
function tagValueAllowed(key: string, value: string): boolean {
  switch (key) {
    case 'major_brand':
    case 'compatible_brands':
      return /^[a-z0-9 ]{0,64}$/i.test(value);
    case 'minor_version':
      return /^\d+$/.test(value);
    case 'encoder':
      return /^(Lavf|Lavc)[\w. -]*$/.test(value);
    case 'language':
      return /^[a-z]{3}$/.test(value);
    case 'handler_name':
      return /^(VideoHandler|SoundHandler|Core Media Video|Core Media Audio)?$/.test(value);
    case 'vendor_id':
      return /^\[0\]\[0\]\[0\]\[0\]$|^$/.test(value);
    default:
      return false;
  }
}

/** The source frame an output frame shows (cuts shift frame numbers). */
export function outputToSourceFrame(plan: AnonymizationPlan, outFrame: number): number {
  let left = outFrame;
  for (const k of plan.kept) {
    const len = k.end - k.start;
    if (left < len) return k.start + left;
    left -= len;
  }
  const last = plan.kept[plan.kept.length - 1];
  return last ? last.end - 1 : outFrame;
}

/** Per output pixel: hidden (1) or not (0) — the static mask plus blurred boxes, in output coordinates. */
export function hiddenMap(plan: AnonymizationPlan): { width: number; height: number; hidden: Uint8Array } {
  const full = maskAlpha(plan);
  const W = plan.input.width;
  if (plan.masks.style === 'blur') {
    for (const b of plan.masks.boxes) for (let y = b.y; y < b.y + b.height; y++) full.fill(255, y * W + b.x, y * W + b.x + b.width);
  }
  const crop = plan.crop ?? { x: 0, y: 0, width: W, height: plan.input.height };
  const hidden = new Uint8Array(crop.width * crop.height);
  for (let y = 0; y < crop.height; y++) {
    for (let x = 0; x < crop.width; x++) hidden[y * crop.width + x] = full[(y + crop.y) * W + x + crop.x] ? 1 : 0;
  }
  return { width: crop.width, height: crop.height, hidden };
}

function hiddenFraction(map: ReturnType<typeof hiddenMap>, box: Rect): number {
  let n = 0;
  let h = 0;
  const x1 = Math.min(map.width, box.x + box.width);
  const y1 = Math.min(map.height, box.y + box.height);
  for (let y = Math.max(0, box.y); y < y1; y++) {
    for (let x = Math.max(0, box.x); x < x1; x++) {
      n++;
      h += map.hidden[y * map.width + x]!;
    }
  }
  return n ? h / n : 0;
}

function unionBox(words: TextWord[]): Rect {
  const x0 = Math.min(...words.map((w) => w.box.x));
  const y0 = Math.min(...words.map((w) => w.box.y));
  const x1 = Math.max(...words.map((w) => w.box.x + w.box.width));
  const y1 = Math.max(...words.map((w) => w.box.y + w.box.height));
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Check OCR words of one output frame. Exported for tests. */
export function checkFrameText(
  plan: AnonymizationPlan,
  map: ReturnType<typeof hiddenMap>,
  tokens: PatientToken[],
  words: TextWord[],
  frame: { index: number; time: number },
): VerificationFinding[] {
  const findings: VerificationFinding[] = [];
  const fps = plan.input.fps.split('/').map(Number) as [number, number];
  const outFrame = Math.round((frame.time * fps[0]) / fps[1]);
  const srcFrame = outputToSourceFrame(plan, outFrame);
  const wholeFrameHidden = plan.blacked.some((b) => srcFrame >= b.start && srcFrame < b.end);
  const where = `frame ${outFrame} (${frame.time.toFixed(2)} s)`;
  for (const line of linesOf(words)) {
    for (const hit of findTokensInLine(
      line.map((w) => w.text),
      tokens,
    )) {
      const box = unionBox(line.slice(hit.wordIndex, hit.wordIndex + hit.wordCount));
      findings.push({
        check: 'patient_text',
        frame: outFrame,
        time: frame.time,
        box,
        field: hit.field,
        message: `Text matching the patient's ${fieldLabels[hit.field]} is readable in ${where} at x=${box.x}, y=${box.y}, ${box.width}×${box.height}`,
      });
    }
  }
  for (const w of words) {
    if (w.confidence < 60 || normalizeText(w.text).length < 2) continue;
    const inside = wholeFrameHidden ? 1 : hiddenFraction(map, w.box);
    if (inside >= 0.5) {
      findings.push({
        check: 'masked_text',
        frame: outFrame,
        time: frame.time,
        box: w.box,
        message: `Text was read inside a masked area in ${where} at x=${w.box.x}, y=${w.box.y}, ${w.box.width}×${w.box.height}`,
      });
    }
  }
  return findings;
}

export interface VerifyOptions {
  ffmpeg: Ffmpeg;
  file: string;
  plan: AnonymizationPlan;
  tokens: PatientToken[];
  reader: TextReader;
  /** Seconds between OCR samples (default 1; lowered so at least 24 frames are read). */
  interval?: number;
  minFrames?: number;
  /** Readers run this many frames at once. */
  parallel?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export function sampleInterval(plan: AnonymizationPlan, interval = 1, minFrames = 24): number {
  const [num, den] = plan.input.fps.split('/').map(Number) as [number, number];
  const frameDur = den / num;
  const want = Math.min(interval, plan.expectedDuration / minFrames);
  return Math.max(frameDur, want);
}

export async function verifyOutput(o: VerifyOptions): Promise<VerificationResult> {
  const t0 = Date.now();
  const plan = o.plan;
  const findings: VerificationFinding[] = [];
  const { stdout } = await o.ffmpeg.ffprobe(
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', o.file],
    o.signal ? { signal: o.signal } : {},
  );
  const probe = probeSchema.parse(JSON.parse(stdout));
  const streams = probe.streams.map((s) => ({ type: s.codec_type ?? 'unknown', codec: s.codec_name ?? null }));
  const videos = probe.streams.filter((s) => s.codec_type === 'video');
  const audios = probe.streams.filter((s) => s.codec_type === 'audio');
  const others = probe.streams.filter((s) => s.codec_type !== 'video' && s.codec_type !== 'audio');
  if (videos.length !== 1) findings.push({ check: 'streams', message: `The output has ${videos.length} video streams (expected 1)` });
  if (audios.length !== (plan.audio.keep ? 1 : 0)) {
    findings.push({ check: 'streams', message: `The output has ${audios.length} audio streams (expected ${plan.audio.keep ? 1 : 0})` });
  }
  if (others.length)
    findings.push({ check: 'streams', message: `The output has ${others.length} subtitle/data/attachment streams (expected none)` });
  if (probe.chapters.length) findings.push({ check: 'tags', message: `The output has ${probe.chapters.length} chapters (expected none)` });
  const v = videos[0];
  if (v && (v.width !== plan.output.width || v.height !== plan.output.height)) {
    findings.push({
      check: 'size',
      message: `The output is ${v.width}×${v.height}, the plan says ${plan.output.width}×${plan.output.height}`,
    });
  }
  const checkTags = (where: string, tags: Record<string, string> | undefined, allowed: Set<string>) => {
    for (const [k, val] of Object.entries(tags ?? {})) {
      const lineHits = findTokensInLine([val], o.tokens);
      if (!allowed.has(k) || !tagValueAllowed(k, val) || lineHits.length) {
        findings.push({
          check: 'tags',
          message: `Unexpected ${where} tag "${k}"${lineHits.length ? ` (it matches the patient's ${fieldLabels[lineHits[0]!.field]})` : ''}`,
        });
      }
    }
  };
  checkTags('container', probe.format?.tags, FORMAT_TAGS);
  for (const s of probe.streams) checkTags(`stream ${s.index}`, s.tags, STREAM_TAGS);

  const [num, den] = plan.input.fps.split('/').map(Number) as [number, number];
  const frameDur = den / num;
  const vDuration = Number(v?.duration ?? probe.format?.duration ?? NaN);
  const outputDuration = Number.isFinite(vDuration) ? vDuration : 0;
  if (!(Math.abs(outputDuration - plan.expectedDuration) <= frameDur + 1e-3)) {
    findings.push({
      check: 'duration',
      message: `The output lasts ${outputDuration.toFixed(3)} s; the plan expects ${plan.expectedDuration.toFixed(3)} s (original ${plan.input.duration.toFixed(3)} s minus removed segments), more than one frame apart`,
    });
  }
  for (const a of audios) {
    const ad = Number(a.duration ?? NaN);
    if (Number.isFinite(ad) && Math.abs(ad - plan.expectedDuration) > frameDur + 0.05) {
      findings.push({
        check: 'duration',
        message: `The audio lasts ${ad.toFixed(3)} s; the video ${plan.expectedDuration.toFixed(3)} s: out of sync`,
      });
    }
  }

  // OCR of sampled frames.
  const interval = sampleInterval(plan, o.interval ?? 1, o.minFrames ?? 24);
  const expectedSamples = Math.max(1, Math.floor(plan.expectedDuration / interval));
  const map = hiddenMap(plan);
  const parallel = Math.max(1, o.parallel ?? 1);
  const inflight = new Set<Promise<void>>();
  let done = 0;
  let failure: unknown = null;
  const sampled = await sampleFrames(o.ffmpeg, o.file, {
    interval,
    ...(o.signal ? { signal: o.signal } : {}),
    onFrame: async (f) => {
      if (failure) throw failure;
      const p: Promise<void> = o.reader
        .read(f.png)
        .then((words) => {
          findings.push(...checkFrameText(plan, map, o.tokens, words, f));
          done++;
          o.onProgress?.(Math.min(1, done / expectedSamples));
        })
        .catch((err: unknown) => {
          failure ??= err;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
      if (inflight.size >= parallel) await Promise.race(inflight);
    },
  });
  await Promise.all(inflight);
  if (failure) throw failure;
  if (o.signal?.aborted) throw cancelled();
  if (sampled < Math.min(24, Math.floor(plan.expectedDuration / frameDur))) {
    findings.push({ check: 'duration', message: `Only ${sampled} frames could be sampled from the output` });
  }
  findings.sort((a, b) => (a.time ?? -1) - (b.time ?? -1));
  return {
    ok: findings.length === 0,
    reader: o.reader.name,
    checkedAt: new Date().toISOString(),
    expectedDuration: plan.expectedDuration,
    outputDuration,
    sampledFrames: sampled,
    interval,
    streams,
    findings: findings.slice(0, 100),
    findingCount: findings.length,
    seconds: (Date.now() - t0) / 1000,
  };
}
