import { z } from 'zod';
import type { Segment } from '../segments/types.js';
import { endoscopeRegionSchema, pixelRectSchema, upgradeEndoscopeRegion, type EndoscopeRegion } from '../util/endoscope-region.js';

export type { EndoscopeRegion, MaskShape } from '../util/endoscope-region.js';
export { upgradeEndoscopeRegion } from '../util/endoscope-region.js';

/**
 * Inputs and results of anonymization as data (validated at the boundary, stored with every export).
 * Coordinates are in pixels of the decoded (stored) frame; frame ranges are half-open [startFrame, endFrame)
 * (source frame numbers), seconds are `start`/`end` (as everywhere in Framewise).
 */
export const rectSchema = pixelRectSchema;
export type Rect = z.infer<typeof rectSchema>;

/** The endoscope region as input (also read in its old shape, `upgradeEndoscopeRegion`). */
export const regionSchema = z.preprocess(upgradeEndoscopeRegion, endoscopeRegionSchema) as unknown as z.ZodType<
  EndoscopeRegion,
  EndoscopeRegion
>;

export const textBoxSchema = z
  .object({
    rect: rectSchema,
    /** Where the box came from (ocr, manual, …): shown in the plan. Never the text itself. */
    source: z.string().max(40).default('ocr'),
  })
  .strict();
export type TextBox = z.infer<typeof textBoxSchema>;

/**
 * A labelled segment as the plan uses it: the shared segment vocabulary (`core/segments`), frames half-open
 * [startFrame, endFrame).
 */
export type PlanSegment = Pick<Segment, 'startFrame' | 'endFrame' | 'label' | 'validated'>;
export const segmentSchema = z
  .object({
    startFrame: z.number().int().nonnegative(),
    endFrame: z.number().int().positive(),
    label: z.string().min(1).max(100),
    /** Validated by a reviewer (true) or an unreviewed prediction (false). */
    validated: z.boolean(),
  })
  .strict()
  .refine((s) => s.endFrame > s.startFrame, 'segment end must be after start') satisfies z.ZodType<PlanSegment>;

/**
 * Plans, masks and job inputs stored before frame ranges were named `startFrame`/`endFrame` used `start`/`end`
 * (frame numbers): rename them when read. A value that already has `startFrame` is left as it is.
 */
export function upgradeFrameRange(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || 'startFrame' in v || !('start' in v)) return v;
  const { start, end, ...rest } = v as { start: unknown; end?: unknown } & Record<string, unknown>;
  return { startFrame: start, endFrame: end, ...rest };
}

/**
 * A mask shown only during a frame range (half-open, source frame numbers): text that appears inside the
 * kept image mid-video (found by the text scan, by verification, or drawn by the reviewer). Filled or strongly
 * blurred, as the plan's mask style says; their rectangles carry a margin around the text.
 */
const timedMaskObject = z
  .object({
    startFrame: z.number().int().nonnegative(),
    endFrame: z.number().int().positive(),
    rect: rectSchema,
    source: z.enum(['scan', 'verify', 'manual']),
  })
  .strict()
  .refine((m) => m.endFrame > m.startFrame, 'mask end must be after start');
export type TimedMask = z.infer<typeof timedMaskObject>;
/** Also reads the `start`/`end` shape of masks in job inputs stored before the rename (`upgradeFrameRange`). */
export const timedMaskSchema = z.preprocess(upgradeFrameRange, timedMaskObject) as unknown as z.ZodType<TimedMask, TimedMask>;

/** Patient values, named as everywhere (`PATIENT_FIELDS` in core/patient/fields.ts: snake_case identifiers). */
export const patientFieldsSchema = z
  .object({
    first_name: z.string().max(200).nullable().default(null),
    last_name: z.string().max(200).nullable().default(null),
    /** ISO dates (yyyy-mm-dd). */
    dob: z.string().max(40).nullable().default(null),
    examination_date: z.string().max(40).nullable().default(null),
    casenumber: z.string().max(200).nullable().default(null),
    /** Any further identifying strings (other names, ids). */
    other: z.array(z.string().max(200)).max(100).default([]),
    /** A reviewer confirmed these values. */
    verified: z.boolean().default(false),
    /** A pseudonym for the output name, if the workflow assigns one. */
    pseudonym: z.string().max(100).nullable().default(null),
  })
  .strict();
export type PatientFields = z.infer<typeof patientFieldsSchema>;

export const presetSchema = z.enum(['fast', 'balanced', 'quality']);
export type QualityPreset = z.infer<typeof presetSchema>;

export const anonymizeOptionsSchema = z
  .object({
    /** Segments with these labels are removed (cut) or blacked out. */
    labels: z.array(z.string().min(1).max(100)).min(1).max(50).default(['outside']),
    outside: z.enum(['cut', 'black']).default('cut'),
    keepAudio: z.boolean().default(false),
    /** Keep the audio but mute every detected speech segment (with margins); checked on the output. */
    muteSpeech: z.boolean().default(false),
    /** Crop the output to the endoscope region's rectangle instead of keeping the frame size. */
    crop: z.boolean().default(false),
    /** Text boxes and time-ranged masks: filled black, or strongly blurred (the picture keeps its colours). */
    maskStyle: z.enum(['fill', 'blur']).default('fill'),
    codec: z.enum(['h264', 'hevc']).default('h264'),
    preset: presetSchema.default('fast'),
    /** Count unreviewed (prediction) segments too. */
    allowUnreviewed: z.boolean().default(false),
    /** Extra pixels added around each text box. */
    boxPadding: z.number().int().min(0).max(200).default(4),
  })
  .strict();
export type AnonymizeOptions = z.infer<typeof anonymizeOptionsSchema>;
export type AnonymizeOptionsInput = z.input<typeof anonymizeOptionsSchema>;

export interface VideoFacts {
  width: number;
  height: number;
  fps: { num: number; den: number };
  /** Seconds. */
  duration: number;
  /** Frames in the video (exact when known, else estimated from duration × fps). */
  frameCount: number;
  audioStreams: number;
}

/** Source frames [startFrame, endFrame), half-open. */
export interface FrameRange {
  startFrame: number;
  endFrame: number;
}

export interface MaskPlan {
  /** Everything outside the region is black (null = no region known: the whole frame is kept). */
  region: EndoscopeRegion | null;
  /** Filled (or blurred) text boxes, clipped to the frame and the kept area, padded. */
  boxes: Rect[];
  style: 'fill' | 'blur';
  /** Boxes for a frame range only (source frames, half-open), clipped to the frame; filled or blurred by `style`. */
  timed: TimedMask[];
}

export interface AnonymizationPlan {
  version: 1;
  input: { width: number; height: number; fps: string; duration: number; frameCount: number; audioStreams: number };
  masks: MaskPlan;
  /** Output crop (the region's rectangle), or null. */
  crop: Rect | null;
  output: { width: number; height: number; codec: 'h264' | 'hevc'; preset: QualityPreset };
  /** Half-open frame ranges removed from the output (outside = cut). */
  removed: Array<FrameRange & { label: string; validated: boolean }>;
  /** Half-open frame ranges turned black (outside = black). */
  blacked: Array<FrameRange & { label: string; validated: boolean }>;
  /** Half-open frame ranges kept, in order. */
  kept: FrameRange[];
  keptFrames: number;
  /** Seconds. */
  expectedDuration: number;
  /** mutedSpeech: source seconds muted because speech was detected there (mode muteSpeech). */
  audio: { keep: boolean; reason: string; mutedSpeech?: Array<{ start: number; end: number }> };
  /** Segments not used (e.g. unreviewed), for the user to see. */
  ignoredSegments: Array<FrameRange & { label: string; reason: string }>;
  warnings: string[];
  /** The same warnings as codes (for translated text); absent in plans stored before it existed. */
  warningCodes?: PlanWarningCode[];
}

/** Why a plan warns (one per entry of `warnings`). */
export type PlanWarningCode =
  'no_region' | 'nothing_masked' | 'patient_unknown' | 'patient_unverified' | 'unreviewed_not_removed' | 'unreviewed_used' | 'audio_kept';

/**
 * A plan as stored (export audit, job outputs): plans stored before frame ranges were named
 * `startFrame`/`endFrame` (migration 43 rewrites the export audit; sealed job outputs are upgraded here) and
 * before the one region type (`masks.region` as `{rect, shape: rect|round|octagon}`: upgraded here only, also
 * in sealed rows) are read in today's shape. Speech seconds (`audio.mutedSpeech`) keep `start`/`end`.
 */
export function upgradeStoredPlan(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null) return raw;
  const p = raw as Record<string, unknown>;
  const ranges = (v: unknown) => (Array.isArray(v) ? v.map(upgradeFrameRange) : v);
  const out: Record<string, unknown> = { ...p };
  for (const key of ['removed', 'blacked', 'kept', 'ignoredSegments']) if (key in p) out[key] = ranges(p[key]);
  const masks = p['masks'];
  if (typeof masks === 'object' && masks !== null) {
    const m: Record<string, unknown> = { ...(masks as Record<string, unknown>) };
    if ('timed' in m) m['timed'] = ranges(m['timed']);
    if ('region' in m) m['region'] = upgradeEndoscopeRegion(m['region']);
    out['masks'] = m;
  }
  return out;
}
