import { FramewiseError } from '../util/errors.js';
import { regionBox } from '../util/endoscope-region.js';
import type {
  AnonymizationPlan,
  AnonymizeOptions,
  PlanWarningCode,
  EndoscopeRegion,
  FrameRange,
  PatientFields,
  Rect,
  PlanSegment,
  TextBox,
  TimedMask,
  VideoFacts,
} from './types.js';

export interface PlanInputs {
  video: VideoFacts;
  /** The endoscope image; null = unknown (the whole frame is kept, text boxes are still masked). */
  region: EndoscopeRegion | null;
  textBoxes: TextBox[];
  /** Masks for a frame range only (text that appears mid-video inside the image). */
  timedMasks?: TimedMask[];
  segments: PlanSegment[];
  /** Only whether fields are known and verified matters to the plan; their values never enter it. */
  patient: Pick<PatientFields, 'verified'> & { known: boolean };
  options: AnonymizeOptions;
  /** Speech found in the source (seconds, with margins), when the audio mode mutes speech. */
  speech?: Array<{ start: number; end: number }>;
}

/** Clip a rectangle to the frame; null when nothing is left. */
export function clipRect(r: Rect, width: number, height: number): Rect | null {
  const x0 = Math.max(0, Math.floor(r.x));
  const y0 = Math.max(0, Math.floor(r.y));
  const x1 = Math.min(width, Math.ceil(r.x + r.width));
  const y1 = Math.min(height, Math.ceil(r.y + r.height));
  if (x1 <= x0 || y1 <= y0) return null;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

export function padRect(r: Rect, pad: number, width: number, height: number): Rect | null {
  return clipRect(
    { x: Math.max(0, r.x - pad), y: Math.max(0, r.y - pad), width: r.width + 2 * pad, height: r.height + 2 * pad },
    width,
    height,
  );
}

function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Even-aligned rectangle inside `r` (yuv420 crops need even offsets and sizes). */
function evenInside(r: Rect): Rect {
  const x = r.x + (r.x % 2);
  const y = r.y + (r.y % 2);
  const width = Math.max(2, (r.x + r.width - x) & ~1);
  const height = Math.max(2, (r.y + r.height - y) & ~1);
  return { x, y, width, height };
}

/** Merge half-open frame ranges (sorted, overlapping or touching ranges joined). */
export function mergeRanges(ranges: FrameRange[]): FrameRange[] {
  const sorted = ranges.filter((r) => r.endFrame > r.startFrame).sort((a, b) => a.startFrame - b.startFrame);
  const out: FrameRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.startFrame <= last.endFrame) last.endFrame = Math.max(last.endFrame, r.endFrame);
    else out.push({ startFrame: r.startFrame, endFrame: r.endFrame });
  }
  return out;
}

/** The complement of merged frame ranges within [0, total). */
export function complementRanges(removed: FrameRange[], total: number): FrameRange[] {
  const kept: FrameRange[] = [];
  let at = 0;
  for (const r of mergeRanges(removed)) {
    if (r.startFrame > at) kept.push({ startFrame: at, endFrame: Math.min(r.startFrame, total) });
    at = Math.max(at, r.endFrame);
    if (at >= total) break;
  }
  if (at < total) kept.push({ startFrame: at, endFrame: total });
  return kept.filter((k) => k.endFrame > k.startFrame);
}

/**
 * Compute the anonymization plan. Pure: the same inputs give the same plan. Fails closed: with no region the
 * text boxes are still masked; anything that would leave the user believing more is masked than really is
 * becomes a warning in the plan (and the clinical gate may refuse it).
 */
export function computePlan(inputs: PlanInputs): AnonymizationPlan {
  const { video, options } = inputs;
  const { width, height } = video;
  if (!(width > 0 && height > 0)) throw new FramewiseError('usage', 'The video has no frame size');
  if (!(video.fps.num > 0 && video.fps.den > 0)) throw new FramewiseError('usage', 'The video has no frame rate');
  const frameCount = Math.max(0, Math.floor(video.frameCount));
  if (frameCount <= 0) throw new FramewiseError('usage', 'The video has no frames');
  const warnings: string[] = [];
  const warningCodes: PlanWarningCode[] = [];
  const warn = (code: PlanWarningCode, text: string) => {
    warnings.push(text);
    warningCodes.push(code);
  };

  // Region: clipped to the frame. A region covering the whole frame with shape rect masks nothing outside.
  let region: EndoscopeRegion | null = null;
  if (inputs.region) {
    const rect = clipRect(regionBox(inputs.region), width, height);
    if (!rect) throw new FramewiseError('usage', 'The endoscope region lies outside the frame');
    region = { ...inputs.region, ...rect };
  } else {
    warn('no_region', 'No endoscope region is known: the whole frame is kept; only the listed text boxes are masked.');
  }

  let crop: Rect | null = null;
  if (options.crop) {
    if (!region) throw new FramewiseError('usage', 'Cropping needs an endoscope region, and none is known for this video');
    crop = evenInside(regionBox(region));
  }

  // Text boxes: padded, clipped; those entirely outside the region are already black (kept anyway when no region).
  const keptArea = region ? regionBox(region) : { x: 0, y: 0, width, height };
  const boxes: Rect[] = [];
  for (const b of inputs.textBoxes) {
    const r = padRect(b.rect, options.boxPadding, width, height);
    if (!r) continue;
    if (region && !intersects(r, keptArea)) continue;
    if (!boxes.some((o) => o.x === r.x && o.y === r.y && o.width === r.width && o.height === r.height)) boxes.push(r);
  }
  const timed: TimedMask[] = [];
  for (const m of inputs.timedMasks ?? []) {
    const rect = clipRect(m.rect, width, height);
    const startFrame = Math.max(0, Math.min(frameCount, m.startFrame));
    const endFrame = Math.max(0, Math.min(frameCount, m.endFrame));
    if (!rect || endFrame <= startFrame) continue;
    timed.push({ startFrame, endFrame, rect, source: m.source });
  }
  timed.sort((a, b) => a.startFrame - b.startFrame || a.endFrame - b.endFrame || a.rect.y - b.rect.y || a.rect.x - b.rect.x);
  if (!region && boxes.length === 0 && timed.length === 0) {
    warn('nothing_masked', 'Nothing is masked: no endoscope region and no text boxes. Only cuts, audio and metadata are anonymized.');
  }
  if (!inputs.patient.known) {
    warn('patient_unknown', 'No patient fields are known: verification can only check that masked areas show no text.');
  } else if (!inputs.patient.verified) {
    warn('patient_unverified', 'The patient fields have not been verified by a reviewer.');
  }

  // Segments.
  const labels = new Set(options.labels);
  const used: AnonymizationPlan['removed'] = [];
  const ignoredSegments: AnonymizationPlan['ignoredSegments'] = [];
  for (const s of inputs.segments) {
    if (!labels.has(s.label)) continue;
    const startFrame = Math.max(0, Math.min(frameCount, s.startFrame));
    const endFrame = Math.max(0, Math.min(frameCount, s.endFrame));
    if (endFrame <= startFrame) {
      ignoredSegments.push({ startFrame: s.startFrame, endFrame: s.endFrame, label: s.label, reason: 'outside the video' });
      continue;
    }
    if (!s.validated && !options.allowUnreviewed) {
      ignoredSegments.push({ startFrame, endFrame, label: s.label, reason: 'not reviewed' });
      continue;
    }
    used.push({ startFrame, endFrame, label: s.label, validated: s.validated });
  }
  used.sort((a, b) => a.startFrame - b.startFrame || a.endFrame - b.endFrame);
  if (ignoredSegments.some((s) => s.reason === 'not reviewed')) {
    warn(
      'unreviewed_not_removed',
      `${ignoredSegments.filter((s) => s.reason === 'not reviewed').length} unreviewed segment(s) are NOT removed; review them or allow unreviewed segments.`,
    );
  }
  if (used.some((s) => !s.validated)) warn('unreviewed_used', 'Unreviewed prediction segments are used.');

  const removed = options.outside === 'cut' ? used : [];
  const blacked = options.outside === 'black' ? used : [];
  const kept = complementRanges(removed, frameCount);
  const keptFrames = kept.reduce((n, k) => n + (k.endFrame - k.startFrame), 0);
  if (keptFrames <= 0) throw new FramewiseError('usage', 'Every frame would be removed: nothing is left to export');

  const hasAudio = video.audioStreams > 0;
  const audio: AnonymizationPlan['audio'] = !hasAudio
    ? { keep: false, reason: 'The video has no audio.' }
    : options.muteSpeech
      ? {
          keep: true,
          reason: inputs.speech
            ? `Ambient sound is kept; ${inputs.speech.length} speech segment(s) are muted and the output is checked for speech.`
            : 'Ambient sound is kept; speech is detected and muted when the export runs, and the output is checked for speech.',
          mutedSpeech: inputs.speech ?? [],
        }
      : options.keepAudio
        ? { keep: true, reason: 'Audio is kept on request (cut in sync with the video).' }
        : { keep: false, reason: 'Audio is removed: speech in the room can carry names.' };
  if (audio.keep && !audio.mutedSpeech)
    warn('audio_kept', 'Audio is kept: speech may contain names or other patient data; listen before sharing.');

  const outSize = crop ? { width: crop.width, height: crop.height } : { width, height };
  return {
    version: 1,
    input: {
      width,
      height,
      fps: `${video.fps.num}/${video.fps.den}`,
      duration: video.duration,
      frameCount,
      audioStreams: video.audioStreams,
    },
    masks: { region, boxes, style: options.maskStyle, timed },
    crop,
    output: { ...outSize, codec: options.codec, preset: options.preset },
    removed,
    blacked,
    kept,
    keptFrames,
    expectedDuration: (keptFrames * video.fps.den) / video.fps.num,
    audio,
    ignoredSegments,
    warnings,
    warningCodes,
  };
}

/** Whether pixel (x, y) (its centre) is inside the region's visible shape. */
export function insideRegion(region: EndoscopeRegion, x: number, y: number): boolean {
  const { shape } = region;
  const rect = region;
  const px = x + 0.5;
  const py = y + 0.5;
  const l = px - rect.x;
  const r = rect.x + rect.width - px;
  const t = py - rect.y;
  const b = rect.y + rect.height - py;
  if (l < 0 || r < 0 || t < 0 || b < 0) return false;
  if (shape === 'rectangle') return true;
  if (shape === 'circle') {
    const rx = rect.width / 2;
    const ry = rect.height / 2;
    const dx = (px - rect.x - rx) / rx;
    const dy = (py - rect.y - ry) / ry;
    return dx * dx + dy * dy <= 1;
  }
  const c = (region.cornerCut ?? 0.2) * Math.min(rect.width, rect.height);
  return l + t >= c && r + t >= c && l + b >= c && r + b >= c;
}

/** The frame ranges the user sees as removed, in seconds (for reports). */
export function framesToSeconds(frames: number, fps: { num: number; den: number }): number {
  return (frames * fps.den) / fps.num;
}
