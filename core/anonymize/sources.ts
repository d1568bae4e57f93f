import { z } from 'zod';
import type { VideoRow } from '../library/videos.js';
import type { AnonymizeSources, SourceProvider } from './providers/provider.js';
import { ocrSourceProvider } from './providers/ocr.js';
import { predictSourceProvider } from './providers/predict.js';
import type { Services } from '../services.js';
import { patientFieldsSchema, regionSchema, segmentSchema, textBoxSchema, type TimedMask } from './types.js';
import { listTimedMasks } from '../timed-masks/store.js';

export type { AnonymizeSources, SourceProvider } from './providers/provider.js';

export const sourceOverridesSchema = z
  .object({
    region: regionSchema.nullable().optional(),
    textBoxes: z.array(textBoxSchema).max(1000).optional(),
    segments: z.array(segmentSchema).max(100000).optional(),
    patient: patientFieldsSchema.optional(),
  })
  .strict();
export type SourceOverrides = z.infer<typeof sourceOverridesSchema>;

/** Providers in priority order (later ones fill only what earlier ones left empty). */
const providers: readonly SourceProvider[] = [ocrSourceProvider, predictSourceProvider];

export async function loadSources(
  services: Services,
  video: VideoRow,
  overrides: SourceOverrides = {},
  timedMasks?: TimedMask[],
): Promise<AnonymizeSources> {
  const out: AnonymizeSources = {
    region: null,
    textBoxes: [],
    segments: [],
    timedMasks: await listTimedMasks(services.db.reader, video.id),
    patient: null,
    origin: { region: 'none', textBoxes: 'none', segments: 'none', patient: 'none', timedMasks: 'library' },
  };
  for (const p of providers) {
    const got = await p.load(services, video);
    if (got.region && !out.region) [out.region, out.origin.region] = [got.region, p.name];
    if (got.textBoxes?.length && !out.textBoxes.length) [out.textBoxes, out.origin.textBoxes] = [got.textBoxes, p.name];
    if (got.segments?.length && !out.segments.length) [out.segments, out.origin.segments] = [got.segments, p.name];
    if (got.patient && !out.patient) [out.patient, out.origin.patient] = [got.patient, p.name];
  }
  if (overrides.region !== undefined) [out.region, out.origin.region] = [overrides.region, 'given'];
  if (overrides.textBoxes) [out.textBoxes, out.origin.textBoxes] = [overrides.textBoxes, 'given'];
  if (overrides.segments) [out.segments, out.origin.segments] = [overrides.segments, 'given'];
  if (timedMasks) [out.timedMasks, out.origin.timedMasks] = [timedMasks, 'given'];
  if (overrides.patient) [out.patient, out.origin.patient] = [overrides.patient, 'given'];
  return out;
}
