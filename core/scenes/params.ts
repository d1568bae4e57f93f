import { z } from 'zod';

/**
 * Scene detection parameters. Names and defaults follow PySceneDetect (`detect-content`, `detect-adaptive`,
 * `detect-threshold`, `detect-hash`, `detect-hist`) so its users can carry their thresholds over.
 * `minSceneLen` is seconds ("0.6s", the default) or frames ("15").
 */
export const DETECTORS = ['content', 'adaptive', 'threshold', 'hash', 'histogram'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export const DEFAULT_DETECTOR: DetectorName = 'adaptive';

/** The default threshold of each detector (PySceneDetect's). */
export const DEFAULT_THRESHOLDS: Record<DetectorName, number> = {
  content: 27,
  adaptive: 3,
  threshold: 12,
  hash: 0.395,
  histogram: 0.05,
};

export const minSceneLenSchema = z
  .string()
  .regex(/^(\d+(\.\d+)?s|\d+)$/, 'a minimum scene length is seconds like "0.6s" or frames like "15"');

export const sceneParamsSchema = z
  .object({
    detector: z.enum(DETECTORS).default(DEFAULT_DETECTOR),
    /** content: HSV score; adaptive: ratio; threshold: mean intensity 0–255; hash: 0–1 distance; histogram: 1 − correlation. */
    threshold: z.number().min(0).max(255).optional(),
    minSceneLen: minSceneLenSchema.default('0.6s'),
    /** content/adaptive: weight of the edge term (PySceneDetect's delta_edges weight; 0 = off). */
    edgeWeight: z.number().min(0).max(10).default(0),
    /** adaptive: the content score a cut needs at least (PySceneDetect's min_content_val). */
    minContentVal: z.number().min(0).max(255).default(15),
    /** adaptive: frames on each side of the rolling window. */
    windowWidth: z.number().int().min(1).max(30).default(2),
  })
  .strict();

export type SceneParamsInput = z.input<typeof sceneParamsSchema>;
export type SceneParams = Required<Omit<z.output<typeof sceneParamsSchema>, 'threshold'>> & { threshold: number };

/** Fill in defaults (the threshold's depends on the detector), so equal requests have equal keys. */
export function resolveParams(input: SceneParamsInput): SceneParams {
  const p = sceneParamsSchema.parse(input);
  const base = { detector: p.detector, threshold: p.threshold ?? DEFAULT_THRESHOLDS[p.detector], minSceneLen: p.minSceneLen };
  // Only the parameters a detector uses take part in its key.
  if (p.detector === 'content') return { ...base, edgeWeight: p.edgeWeight, minContentVal: 0, windowWidth: 0 };
  if (p.detector === 'adaptive') return { ...base, edgeWeight: p.edgeWeight, minContentVal: p.minContentVal, windowWidth: p.windowWidth };
  return { ...base, edgeWeight: 0, minContentVal: 0, windowWidth: 0 };
}

export function paramsKey(p: SceneParams): string {
  return `${p.detector}|t=${p.threshold}|min=${p.minSceneLen}|e=${p.edgeWeight}|mc=${p.minContentVal}|w=${p.windowWidth}`;
}

/** The minimum scene length in seconds, on the video's frame rate when given in frames. */
export function minSceneSeconds(minSceneLen: string, fps: { num: number; den: number }): number {
  if (minSceneLen.endsWith('s')) return Number(minSceneLen.slice(0, -1));
  return (Number(minSceneLen) * fps.den) / fps.num;
}
