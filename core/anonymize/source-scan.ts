import type { Ffmpeg } from '../ffmpeg/index.js';
import type { FrameTextLine, FrameTextReader, RgbFrame } from './frame-reader.js';
import { findTokensInReadings, normalizeText, type PatientToken } from './tokens.js';
import { maskAlpha } from './mask.js';
import { samplingPlan } from './sampling.js';
import { scanText, visibleBox, type ScanStats } from './text-scan.js';
import { masksFromSightings, type Sighting } from './timed-masks.js';
import type { AnonymizationPlan, TimedMask } from './types.js';

/**
 * Before rendering: read the original where the output will show it (what the static mask hides is blacked
 * out first; frames the output drops or blacks out are not read) and turn every text line found there into
 * a time-ranged mask. Text the static masks already cover is not found again.
 */
export interface SourceScanResult {
  masks: TimedMask[];
  step: number;
  stats: ScanStats;
}

/** Pixels of the frame the static mask hides, as a byte map (1 = hidden). */
function hiddenPixels(plan: AnonymizationPlan): Uint8Array {
  return maskAlpha({ ...plan, masks: { ...plan.masks, style: 'fill' } }).map((a) => (a ? 1 : 0));
}

export function blackOut(frame: RgbFrame, hidden: Uint8Array): void {
  const d = frame.data;
  for (let i = 0; i < hidden.length; i++) {
    if (hidden[i]) {
      const j = i * 3;
      d[j] = 0;
      d[j + 1] = 0;
      d[j + 2] = 0;
    }
  }
}

/**
 * Which lines become masks: anything matching a patient token, and any line read as text (two or more
 * letters or digits, recogniser confidence ≥ 0.5). Texture the detector mistakes for text (read as one
 * letter or with low confidence) is not masked; verification reads the output again anyway.
 */
export function looksLikeText(l: FrameTextLine, tokens: PatientToken[]): boolean {
  if (tokens.length && findTokensInReadings([l.text, ...(l.alternatives ?? [])], tokens).length) return true;
  return l.confidence >= 0.5 && normalizeText(l.text).length >= 2;
}

export async function scanSourceForText(o: {
  ffmpeg: Ffmpeg;
  file: string;
  /** The plan without timed masks (region, static boxes, cuts). */
  plan: AnonymizationPlan;
  reader: FrameTextReader;
  /** The patient's tokens: a line matching one is masked whatever its confidence. */
  tokens?: PatientToken[];
  maxInterval?: number;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}): Promise<SourceScanResult> {
  const { plan } = o;
  const [num, den] = plan.input.fps.split('/').map(Number) as [number, number];
  const sampling = samplingPlan(plan.input.frameCount, { num, den }, o.maxInterval ? { maxInterval: o.maxInterval } : {});
  const hidden = hiddenPixels(plan);
  const roi = visibleBox(hidden, plan.input.width, plan.input.height) ?? undefined;
  const dropped = [...plan.removed, ...plan.blacked];
  const sightings: Sighting[] = [];
  const stats = await scanText({
    ffmpeg: o.ffmpeg,
    file: o.file,
    width: plan.input.width,
    height: plan.input.height,
    step: sampling.step,
    frameCount: plan.input.frameCount,
    reader: o.reader,
    skip: (f) => dropped.some((r) => f >= r.startFrame && f < r.endFrame),
    prepare: (f) => blackOut(f, hidden),
    roi: () => roi,
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
    onSample: (s) => {
      for (const l of s.lines) if (looksLikeText(l, o.tokens ?? [])) sightings.push({ frame: s.frame, box: l.box });
    },
  });
  const masks = masksFromSightings(sightings, {
    step: sampling.step,
    frameCount: plan.input.frameCount,
    width: plan.input.width,
    height: plan.input.height,
    source: 'scan',
  });
  return { masks, step: sampling.step, stats };
}
