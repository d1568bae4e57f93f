import path from 'node:path';
import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import type { Services } from '../services.js';
import { libraryKey } from '../patient/key.js';
import { storeOcrFields, type OcrFieldInput } from '../patient/store.js';
import { PATIENT_FIELDS, type PatientField } from '../patient/fields.js';
import { detectEndoscopeRegion, maskShapeSchema } from './endoscope.js';
import { previewWarningSchema, refreshPreviewsOrWarn } from './preview-refresh.js';
import { runOcr, type LayoutChoice, type OcrResult, type TextRegion } from './pipeline.js';
import {
  getProfile,
  listProfiles,
  profileEndoscope,
  profileRegions,
  rankProfiles,
  SUGGEST_MIN_SCORE,
  type DeviceProfile,
} from './profiles.js';
import { putEndoscopeRegion, putOcrResult } from './store.js';

const regionSchema = z.object({
  x: z.number(),
  y: z.number(),
  width: z.number(),
  height: z.number(),
  shape: maskShapeSchema,
  frameWidth: z.number(),
  frameHeight: z.number(),
  fill: z.number(),
  cornerCut: z.number().optional(),
});

export const ocrJobInput = z
  .object({
    videoId: z.number().int().positive(),
    /** A device profile name; omitted = settings.ocrDefaultProfile, else the best-matching profile if one fits. */
    profile: z.string().min(1).max(100).optional(),
    samples: z.number().int().min(1).max(200).optional(),
  })
  .strict();

/** What the job record keeps: counts and geometry only, never patient values. */
export const ocrJobOutput = z.object({
  profile: z.string().nullable(),
  sampledFrames: z.number().int(),
  skippedBlank: z.number().int(),
  textRegions: z.number().int(),
  fieldsFound: z.array(z.string()),
  endoscope: regionSchema.nullable(),
  timings: z.object({ detectMs: z.number(), recognizeMs: z.number(), decodeMs: z.number(), endoscopeMs: z.number() }),
  /** The full result, encrypted with the library key; consumed and removed by commit. */
  sealed: z.string().optional(),
  /**
   * Previews that could not be made again with what OCR found (withdrawn, fail closed): for the user, where the
   * job's outcome is shown. Codes and kinds only.
   */
  previewWarnings: z.array(previewWarningSchema).optional(),
});
export type OcrJobOutput = z.infer<typeof ocrJobOutput>;

const sealContext = (videoId: number) => `ocr-job.sealed:${videoId}`;

interface SealedResult {
  regions: TextRegion[];
  sampledFrames: number[];
  frameWidth: number;
  frameHeight: number;
  endoscopeSource: 'detected' | 'profile';
  fields: Partial<Record<PatientField, Omit<OcrFieldInput, 'crop'> & { crop: string | null }>>;
}

function layoutOf(p: DeviceProfile, width: number, height: number): LayoutChoice {
  return { profile: p.name, regions: profileRegions(p, width, height), ...(p.dateOrder ? { dateOrder: p.dateOrder } : {}) };
}

/** The layout to read a video with: the named profile, the library default, or the best match on the first frame. */
export async function layoutResolver(services: Services, name: string | undefined) {
  const settings = await services.settings();
  const chosen = name ?? settings.ocrDefaultProfile ?? undefined;
  const fixed = chosen ? (await getProfile(services.db.reader, chosen)).profile : null;
  const all = fixed ? [] : (await listProfiles(services.db.reader)).map((p) => p.profile);
  return {
    fixed,
    resolve: (
      lines: { box: { x: number; y: number; width: number; height: number } }[],
      image: { width: number; height: number; data: Uint8Array },
    ): LayoutChoice => {
      if (fixed) return layoutOf(fixed, image.width, image.height);
      const endo = detectEndoscopeRegion([image]);
      const best = rankProfiles(
        all,
        lines.map((l) => l.box),
        endo,
        image.width,
        image.height,
      )[0];
      const p = best && best.score >= SUGGEST_MIN_SCORE ? all.find((x) => x.name === best.name) : undefined;
      return p ? layoutOf(p, image.width, image.height) : { profile: null };
    },
  };
}

export const ocrJob = defineJobKind({
  kind: 'ocr',
  title: 'Read overlay text',
  input: ocrJobInput,
  output: ocrJobOutput,
  videoId: (i) => i.videoId,
  async precondition(services, input) {
    await requireProbedVideo(services, input.videoId);
    if (input.profile) await getProfile(services.db.reader, input.profile);
  },
  async run(ctx, input) {
    const s = ctx.services;
    const row = await requireProbedVideo(s, input.videoId);
    const settings = await s.settings();
    const key = await libraryKey(s);
    const layout = await layoutResolver(s, input.profile);
    ctx.progress(0, 'sampling frames');
    const result: OcrResult = await runOcr(s.ffmpeg, row.path, {
      samples: input.samples ?? settings.ocrSamples,
      resolveLayout: layout.resolve,
      cacheDir: path.join(s.dataDir, 'cache', 'tessdata'),
      signal: ctx.signal,
      onProgress: (f, stage) => ctx.progress(Math.min(0.99, f), stage),
    });
    let endoscope = result.endoscope;
    let endoscopeSource: SealedResult['endoscopeSource'] = 'detected';
    if (!endoscope && result.profile && result.frameWidth) {
      const p = (await getProfile(s.db.reader, result.profile)).profile;
      endoscope = profileEndoscope(p, result.frameWidth, result.frameHeight);
      endoscopeSource = 'profile';
    }
    const sealed: SealedResult = {
      regions: result.regions,
      sampledFrames: result.sampledFrames,
      frameWidth: result.frameWidth,
      frameHeight: result.frameHeight,
      endoscopeSource,
      fields: Object.fromEntries(
        Object.entries(result.fields).map(([k, f]) => [
          k,
          {
            value: f.value,
            confidence: f.confidence,
            frame: f.frame,
            box: f.box,
            crop: f.crop.toString('base64'),
            ...(f.alternatives ? { alternatives: f.alternatives } : {}),
          },
        ]),
      ),
    };
    return {
      profile: result.profile,
      sampledFrames: result.sampledFrames.length,
      skippedBlank: result.skippedBlank,
      textRegions: result.regions.length,
      fieldsFound: PATIENT_FIELDS.filter((f) => result.fields[f]),
      endoscope,
      timings: result.timings,
      sealed: key.encrypt(JSON.stringify(sealed), sealContext(input.videoId)).toString('base64'),
    };
  },
  async commit(trx, input, output, services) {
    // Inside the commit transaction: every query goes through `trx` (the key is cached by run()).
    const key = await libraryKey(services, trx, trx);
    const { sealed: sealedText, ...rest } = output;
    if (!sealedText) return rest;
    const sealed = JSON.parse(key.decrypt(Buffer.from(sealedText, 'base64'), sealContext(input.videoId))) as SealedResult;
    const fields: Partial<Record<PatientField, OcrFieldInput>> = {};
    for (const [k, f] of Object.entries(sealed.fields))
      fields[k as PatientField] = { ...f, crop: f.crop ? Buffer.from(f.crop, 'base64') : null };
    await storeOcrFields(trx, key, input.videoId, fields, 'Framewise OCR');
    await putOcrResult(trx, key, input.videoId, {
      profile: output.profile,
      frameWidth: sealed.frameWidth,
      frameHeight: sealed.frameHeight,
      sampledFrames: sealed.sampledFrames,
      regions: sealed.regions,
      jobId: null,
    });
    if (output.endoscope) await putEndoscopeRegion(trx, input.videoId, output.endoscope, sealed.endoscopeSource);
    return rest;
  },
  async afterCommit(services, input, output) {
    // Previews must not show what OCR found: the thumbnail is masked again with the region and every text box,
    // sprite sheets and clip previews made with another mask are replaced. One that cannot be is withdrawn, and
    // the job's result says so (stored before the job is announced finished).
    const warning = await refreshPreviewsOrWarn(services, input.videoId);
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'patient' });
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'ocr' });
    if (warning) return { ...output, previewWarnings: [warning] };
  },
});
