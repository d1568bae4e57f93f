import { z } from 'zod';
import { RENDER_REFERENCE_DISTANCE } from '../ffmpeg/anonymize-render.js';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { cancelled } from '../util/errors.js';
import type { FrameTextLine, FrameTextReader } from './frame-reader.js';
import { maskAlpha } from './mask.js';
import { samplingPlan, type SamplingPlan } from './sampling.js';
import { fillHolds, fillSpans, scanText, visibleBox, type ScanStats } from './text-scan.js';
import { activeMasks } from './timed-masks.js';
import { fieldLabels, findTokensInLine, findTokensInReadings, normalizeText, type PatientToken } from './tokens.js';
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
  /** Seconds between samples. */
  interval: number;
  /** Frames between samples. */
  step: number;
  /** How many samples were read, found unchanged, blank. */
  screening: ScanStats;
  /** Every place text was seen (first 500), in time order: patient text, text in masks, other text for the reviewer. */
  textSeen: TextSighting[];
  textSeenCount: number;
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
    const len = k.endFrame - k.startFrame;
    if (left < len) return k.startFrame + left;
    left -= len;
  }
  const last = plan.kept[plan.kept.length - 1];
  return last ? last.endFrame - 1 : outFrame;
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

/** The share of `box` hidden on output frame `outFrame` (static mask, timed masks, blacked-out segments). */
export function hiddenShare(plan: AnonymizationPlan, map: ReturnType<typeof hiddenMap>, box: Rect, outFrame: number): number {
  const srcFrame = outputToSourceFrame(plan, outFrame);
  if (plan.blacked.some((b) => srcFrame >= b.startFrame && srcFrame < b.endFrame)) return 1;
  const timed = activeMasks(plan.masks.timed ?? [], srcFrame).map((m) => {
    const c = plan.crop ?? { x: 0, y: 0 };
    return { x: m.rect.x - c.x, y: m.rect.y - c.y, width: m.rect.width, height: m.rect.height };
  });
  if (!timed.length) return hiddenFraction(map, box);
  let n = 0;
  let h = 0;
  const x1 = Math.min(map.width, box.x + box.width);
  const y1 = Math.min(map.height, box.y + box.height);
  for (let y = Math.max(0, box.y); y < y1; y++) {
    for (let x = Math.max(0, box.x); x < x1; x++) {
      n++;
      if (map.hidden[y * map.width + x] || timed.some((t) => x >= t.x && x < t.x + t.width && y >= t.y && y < t.y + t.height)) h++;
    }
  }
  return n ? h / n : 0;
}

/** Text seen by verification, for the report: where, and what kind — never the text itself. */
export interface TextSighting {
  frame: number;
  time: number;
  box: Rect;
  kind: 'patient' | 'masked' | 'other';
  /** Read as text (two or more letters/digits, recogniser confidence ≥ 0.5), not texture. */
  readable?: boolean;
}

/** Check the lines read on one output frame. Exported for tests. */
export function checkFrameText(
  plan: AnonymizationPlan,
  map: ReturnType<typeof hiddenMap>,
  tokens: PatientToken[],
  lines: FrameTextLine[],
  outFrame: number,
): { findings: VerificationFinding[]; seen: TextSighting[] } {
  const findings: VerificationFinding[] = [];
  const seen: TextSighting[] = [];
  const fps = plan.input.fps.split('/').map(Number) as [number, number];
  const time = (outFrame * fps[1]) / fps[0];
  const where = `frame ${outFrame} (${time.toFixed(2)} s)`;
  for (const line of lines) {
    const box = line.box;
    const hits = findTokensInReadings([line.text, ...(line.alternatives ?? [])], tokens);
    const place = `at x=${box.x}, y=${box.y}, ${box.width}×${box.height}`;
    if (hits.length) {
      const fields = [...new Set(hits.map((h) => h.field))];
      for (const field of fields) {
        findings.push({
          check: 'patient_text',
          frame: outFrame,
          time,
          box,
          field,
          message: `Text matching the patient's ${fieldLabels[field]} is readable in ${where} ${place}`,
        });
      }
      seen.push({ frame: outFrame, time, box, kind: 'patient' });
      continue;
    }
    const readable = line.confidence >= 0.6 && normalizeText(line.text).length >= 2;
    if (readable && hiddenShare(plan, map, box, outFrame) >= 0.5) {
      findings.push({
        check: 'masked_text',
        frame: outFrame,
        time,
        box,
        message: `Text was read inside a masked area in ${where} ${place}`,
      });
      seen.push({ frame: outFrame, time, box, kind: 'masked' });
      continue;
    }
    seen.push({ frame: outFrame, time, box, kind: 'other', readable: line.confidence >= 0.5 && normalizeText(line.text).length >= 2 });
  }
  return { findings, seen };
}

export interface VerifyOptions {
  ffmpeg: Ffmpeg;
  file: string;
  plan: AnonymizationPlan;
  tokens: PatientToken[];
  reader: FrameTextReader;
  /** Longest gap between samples in seconds (default 0.5: text shown for 0.5 s is always sampled, sampling.ts). */
  maxInterval?: number;
  minFrames?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

/** The sampling of an output of this plan. */
export function verificationSampling(plan: AnonymizationPlan, opts: { maxInterval?: number; minFrames?: number } = {}): SamplingPlan {
  const [num, den] = plan.input.fps.split('/').map(Number) as [number, number];
  return samplingPlan(plan.keptFrames, { num, den }, opts);
}

/** What the frame scan of a verification found: its statistics, its sampling, and the findings and sightings of the text read. */
interface ScannedFrames {
  stats: ScanStats;
  sampling: SamplingPlan;
  read: VerificationFinding[];
  seen: TextSighting[];
}

/** Read the text of sampled frames over the whole picture (detector + line recogniser), screened. */
async function scanFrames(o: VerifyOptions, signal: AbortSignal): Promise<ScannedFrames> {
  const plan = o.plan;
  const [num, den] = plan.input.fps.split('/').map(Number) as [number, number];
  const sampling = verificationSampling(plan, {
    ...(o.maxInterval ? { maxInterval: o.maxInterval } : {}),
    ...(o.minFrames ? { minFrames: o.minFrames } : {}),
  });
  // What the masks hide, computed once ffmpeg has been started (it decodes the first frames meanwhile) and before
  // the first frame is screened.
  let hidden: { map: ReturnType<typeof hiddenMap>; visible: Rect | undefined; filled: Int32Array | undefined } | undefined;
  const masks = () => {
    if (!hidden) {
      const map = hiddenMap(plan);
      const visible = visibleBox(map.hidden, map.width, map.height) ?? undefined;
      hidden = { map, visible, filled: visible ? fillSpans(map.hidden, map.width, map.height, visible) : undefined };
    }
    return hidden;
  };
  let seen: TextSighting[] = [];
  let read: VerificationFinding[] = [];
  const scanning = scanText({
    ffmpeg: o.ffmpeg,
    file: o.file,
    width: plan.output.width,
    height: plan.output.height,
    step: sampling.step,
    frameCount: plan.keptFrames,
    reader: o.reader,
    // Only the box of the visible pixels is read while every masked pixel outside it is still the black fill; any
    // other pixel there means a failed mask: then the whole frame is read.
    roi: (f) => {
      const { visible, filled } = masks();
      return visible && filled && fillHolds(f, filled) ? visible : undefined;
    },
    signal,
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    // Our own render: reference frames at most 3 frames apart (RENDER_REFERENCE_DISTANCE). Checked anyway: an output
    // further apart is read again decoding every frame; one closer (an earlier version's x264 render: 2) is sampled
    // a little more often.
    referenceOnly: { fps: { num, den }, maxGap: RENDER_REFERENCE_DISTANCE },
    // One decoder thread: the reader takes longer per sample than one core needs to decode up to it, and frame
    // threading costs about 15 % more CPU (bench clip: 7.2 against 8.3 s).
    decodeThreads: 1,
    onRestart: () => {
      seen = [];
      read = [];
    },
    onSample: (s) => {
      const r = checkFrameText(plan, masks().map, o.tokens, s.lines, s.frame);
      read.push(...r.findings);
      seen.push(...r.seen);
    },
  });
  // scanText has started ffmpeg before its first wait: the masks are worked out while it starts.
  masks();
  const stats = await scanning;
  return { stats, sampling, read, seen };
}

export async function verifyOutput(o: VerifyOptions): Promise<VerificationResult> {
  const t0 = Date.now();
  const plan = o.plan;
  const findings: VerificationFinding[] = [];
  // The probe and the frame scan start together: the scan needs the plan only, and ffprobe (≈ 0.2 s on one core)
  // then runs while ffmpeg starts and decodes the first frames instead of before it. A failed probe stops the scan.
  const stopScan = new AbortController();
  const scanSignal = o.signal ? AbortSignal.any([o.signal, stopScan.signal]) : stopScan.signal;
  const probing = o.ffmpeg.probeJson(o.file, o.signal).then((json) => probeSchema.parse(json));
  probing.catch(() => stopScan.abort());
  const scanning = scanFrames(o, scanSignal);
  const [probed, scanned] = await Promise.allSettled([probing, scanning]);
  if (probed.status === 'rejected') throw probed.reason;
  if (scanned.status === 'rejected') throw scanned.reason;
  const probe = probed.value;
  const { stats, sampling, read, seen } = scanned.value;
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

  findings.push(...read);
  if (o.signal?.aborted) throw cancelled();
  if (stats.samples < Math.min(sampling.promisedSamples, plan.keptFrames)) {
    findings.push({
      check: 'duration',
      message: `Only ${stats.samples} frames could be sampled from the output (at least ${sampling.promisedSamples} were expected)`,
    });
  }
  findings.sort((a, b) => (a.time ?? -1) - (b.time ?? -1));
  return {
    ok: findings.length === 0,
    reader: o.reader.name,
    checkedAt: new Date().toISOString(),
    expectedDuration: plan.expectedDuration,
    outputDuration,
    sampledFrames: stats.samples,
    interval: sampling.interval,
    step: sampling.step,
    screening: stats,
    textSeen: seen.slice(0, 500),
    textSeenCount: seen.length,
    streams,
    findings: findings.slice(0, 100),
    findingCount: findings.length,
    seconds: (Date.now() - t0) / 1000,
  };
}
