import { z } from 'zod';
import { command } from '../capability.js';
import { PATIENT_FIELDS } from '../patient/fields.js';
import type { PatientFieldView } from '../patient/store.js';
import type { Services } from '../services.js';
import { videoRefSchema as videoRef } from '../util/schemas.js';
import { resolveVideoRef } from '../library/videos.js';
import { libraryKey } from '../patient/key.js';
import { changeFields, readAudit, readCrop, readFields, readPseudonym, searchFields, videosOfPseudonym } from '../patient/store.js';
import { FramewiseError } from '../util/errors.js';
import { CONFIDENCE_THRESHOLDS, confidenceLevel, type ConfidenceLevel } from './confidence.js';
import { getEndoscopeRegion, getOcrResult, putEndoscopeRegion, type StoredEndoscopeRegion } from './store.js';
import { refreshPreviewsOrWarn, type PreviewWarning } from './preview-refresh.js';
import { endoscopeRegionSchema } from './endoscope.js';
import { deleteProfile, getProfile, listProfiles, rankProfiles, saveProfile } from './profiles.js';

/**
 * A stored field with the level the reviewer sees (thresholds from the corpus' reliability table, decided
 * here so the UI never repeats them): null for a value a person typed.
 */
export type PatientFieldWithLevel = PatientFieldView & { level: ConfidenceLevel | null };

/** What the patient-data panel shows for a video. Values are decrypted patient data: never log them. */
export interface PatientData {
  videoId: number;
  fields: PatientFieldWithLevel[];
  /** The thresholds behind the levels, for the badge's explanation. */
  confidenceThresholds: { sure: number; likely: number };
  /** Keyed pseudonym (HMAC) of last|first|dob; null until all three are known. */
  pseudonym: string | null;
  /** Other videos of the same patient (same pseudonym). */
  samePatientVideos: number[];
  profile: string | null;
  ocrAt: string | null;
  endoscope: StoredEndoscopeRegion | null;
}

export async function patientData(s: Services, videoId: number): Promise<PatientData> {
  const db = s.db.reader;
  const key = await libraryKey(s);
  const pseudonym = await readPseudonym(db, videoId);
  const ocr = await db.selectFrom('ocr_results').select(['profile', 'created_at']).where('video_id', '=', videoId).executeTakeFirst();
  return {
    videoId,
    fields: (await readFields(db, key, videoId)).map((f) => ({
      ...f,
      level: f.source === 'ocr' && f.confidence !== null ? confidenceLevel(f.confidence) : null,
    })),
    confidenceThresholds: { ...CONFIDENCE_THRESHOLDS },
    pseudonym,
    samePatientVideos: pseudonym ? (await videosOfPseudonym(db, pseudonym)).filter((v) => v !== videoId) : [],
    profile: ocr?.profile ?? null,
    ocrAt: ocr?.created_at ?? null,
    endoscope: await getEndoscopeRegion(db, videoId),
  };
}

const patientField = z.enum(PATIENT_FIELDS);

/** OCR of burned-in text, the patient fields read from it, device profiles and the endoscope region. */
export const ocrCommands = {
  'ocr.start': command(
    z
      .object({ video: videoRef, profile: z.string().min(1).max(100).optional(), samples: z.number().int().min(1).max(200).optional() })
      .strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      return s.jobs.enqueue('ocr', {
        videoId,
        ...(input.profile ? { profile: input.profile } : {}),
        ...(input.samples ? { samples: input.samples } : {}),
      });
    },
  ),
  'ocr.result': command(z.object({ video: videoRef, includeText: z.boolean().optional() }).strict(), async (s, input) => {
    const db = s.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    const r = await getOcrResult(db, videoId, input.includeText ? await libraryKey(s) : null);
    return r ? { ...r, endoscope: await getEndoscopeRegion(db, videoId) } : null;
  }),
  /** Videos whose case number or exam date contains the query (decrypted here, never logged). */
  'videos.search': command(z.object({ query: z.string().min(1).max(200) }).strict(), async (s, input) => ({
    videoIds: await searchFields(s.db.reader, await libraryKey(s), input.query),
  })),
  'patient.get': command(z.object({ video: videoRef }).strict(), async (s, input) => {
    return patientData(s, await resolveVideoRef(s.db.reader, input.video));
  }),
  'patient.update': command(
    z
      .object({
        video: videoRef,
        set: z.partialRecord(patientField, z.string().min(1).max(200)).optional(),
        clear: z.array(patientField).optional(),
        verify: z.array(patientField).optional(),
        unverify: z.array(patientField).optional(),
      })
      .strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const who = (await s.settings()).reviewerName;
      await changeFields(
        s.db.writer,
        await libraryKey(s),
        videoId,
        {
          ...(input.set ? { set: input.set } : {}),
          ...(input.clear ? { clear: input.clear } : {}),
          ...(input.verify ? { verify: input.verify } : {}),
          ...(input.unverify ? { unverify: input.unverify } : {}),
        },
        who,
      );
      s.events.emit({ type: 'data.changed', videoId, topic: 'patient' });
      return patientData(s, videoId);
    },
  ),
  'patient.crop': command(z.object({ video: videoRef, field: patientField }).strict(), async (s, input) => {
    const videoId = await resolveVideoRef(s.db.reader, input.video);
    const png = await readCrop(s.db.reader, await libraryKey(s), videoId, input.field);
    return { field: input.field, png: png ? png.toString('base64') : null };
  }),
  'patient.audit': command(z.object({ video: videoRef }).strict(), async (s, input) => {
    const videoId = await resolveVideoRef(s.db.reader, input.video);
    return readAudit(s.db.reader, await libraryKey(s), videoId);
  }),
  'profiles.list': command(z.object({}).strict(), async (s) => {
    return listProfiles(s.db.reader);
  }),
  'profiles.get': command(z.object({ name: z.string().min(1).max(100) }).strict(), async (s, input) => {
    return getProfile(s.db.reader, input.name);
  }),
  'profiles.save': command(z.object({ profile: z.unknown() }).strict(), async (s, input) => {
    return saveProfile(s.db.writer, input.profile);
  }),
  'profiles.delete': command(z.object({ name: z.string().min(1).max(100) }).strict(), async (s, input) => {
    await deleteProfile(s.db.writer, input.name);
    return { deleted: input.name };
  }),
  'profiles.suggest': command(z.object({ video: videoRef }).strict(), async (s, input) => {
    const db = s.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    const r = await getOcrResult(db, videoId, null);
    if (!r) throw new FramewiseError('precondition', `Video ${videoId} has no OCR result yet; run ocr first`);
    const endo = await getEndoscopeRegion(db, videoId);
    const profiles = (await listProfiles(db)).map((p) => p.profile);
    const boxes = r.regions.filter((g) => g.stable && !g.insideEndoscope).map((g) => g.box);
    return rankProfiles(profiles, boxes, endo?.source === 'detected' ? endo : null, r.frameWidth, r.frameHeight);
  }),
  'endoscope.get': command(z.object({ video: videoRef }).strict(), async (s, input) => {
    const db = s.db.reader;
    return getEndoscopeRegion(db, await resolveVideoRef(db, input.video));
  }),
  'endoscope.set': command(
    z
      .object({
        video: videoRef,
        region: endoscopeRegionSchema,
      })
      .strict(),
    async (s, input) => {
      const db = s.db.reader;
      const videoId = await resolveVideoRef(db, input.video);
      const v = await db
        .selectFrom('videos')
        .select(['display_width', 'display_height'])
        .where('id', '=', videoId)
        .executeTakeFirstOrThrow();
      const { region } = input;
      if (region.x + region.width > v.display_width || region.y + region.height > v.display_height) {
        throw new FramewiseError('usage', `The region lies outside the ${v.display_width}x${v.display_height} frame`);
      }
      const fill = region.shape === 'circle' ? Math.PI / 4 : region.shape === 'rectangle' ? 1 : 1 - 2 * (region.cornerCut ?? 0.2) ** 2;
      await putEndoscopeRegion(
        s.db.writer,
        videoId,
        { ...region, frameWidth: v.display_width, frameHeight: v.display_height, fill },
        'manual',
      );
      // The region is stored whatever the previews are; a preview that cannot be made again with it is withdrawn
      // (fail closed) and the result says so, where the user set the region.
      const previewError = await refreshPreviewsOrWarn(s, videoId);
      s.events.emit({ type: 'data.changed', videoId, topic: 'ocr' });
      const stored: StoredEndoscopeRegion & { previewError?: PreviewWarning } = (await getEndoscopeRegion(s.db.reader, videoId))!;
      if (previewError) stored.previewError = previewError;
      return stored;
    },
  ),
};
