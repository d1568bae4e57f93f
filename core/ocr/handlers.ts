import type { PartialHandlers } from '../handlers.js';
import type { Core } from '../core.js';
import type { PatientData } from '../api/commands.js';
import { resolveVideoRef } from '../library/videos.js';
import { libraryKey } from '../patient/key.js';
import { changeFields, readAudit, readCrop, readFields, readPseudonym, searchFields, videosOfPseudonym } from '../patient/store.js';
import { FramewiseError } from '../util/errors.js';
import { getEndoscopeRegion, getOcrResult, putEndoscopeRegion } from './store.js';
import { deleteProfile, getProfile, listProfiles, rankProfiles, saveProfile } from './profiles.js';

async function keyOf(core: Core) {
  const s = core.services;
  return libraryKey(s.dataDir, s.db.reader, s.db.writer);
}

export async function patientData(core: Core, videoId: number): Promise<PatientData> {
  const db = core.services.db.reader;
  const key = await keyOf(core);
  const pseudonym = await readPseudonym(db, videoId);
  const ocr = await db.selectFrom('ocr_results').select(['profile', 'created_at']).where('video_id', '=', videoId).executeTakeFirst();
  return {
    videoId,
    fields: await readFields(db, key, videoId),
    pseudonym,
    samePatientVideos: pseudonym ? (await videosOfPseudonym(db, pseudonym)).filter((v) => v !== videoId) : [],
    profile: ocr?.profile ?? null,
    ocrAt: ocr?.created_at ?? null,
    endoscope: await getEndoscopeRegion(db, videoId),
  };
}

type OcrCommands =
  | 'videos.search'
  | 'ocr.start'
  | 'ocr.result'
  | 'patient.get'
  | 'patient.update'
  | 'patient.crop'
  | 'patient.audit'
  | 'profiles.list'
  | 'profiles.get'
  | 'profiles.save'
  | 'profiles.delete'
  | 'profiles.suggest'
  | 'endoscope.get'
  | 'endoscope.set';

export const ocrHandlers: PartialHandlers<OcrCommands> = {
  async 'ocr.start'(core, input) {
    const videoId = await resolveVideoRef(core.services.db.reader, input.video);
    return core.services.jobs.enqueue('ocr', {
      videoId,
      ...(input.profile ? { profile: input.profile } : {}),
      ...(input.samples ? { samples: input.samples } : {}),
    });
  },
  async 'ocr.result'(core, input) {
    const db = core.services.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    const r = await getOcrResult(db, videoId, input.includeText ? await keyOf(core) : null);
    return r ? { ...r, endoscope: await getEndoscopeRegion(db, videoId) } : null;
  },
  async 'videos.search'(core, input) {
    return { videoIds: await searchFields(core.services.db.reader, await keyOf(core), input.query) };
  },
  async 'patient.get'(core, input) {
    return patientData(core, await resolveVideoRef(core.services.db.reader, input.video));
  },
  async 'patient.update'(core, input) {
    const videoId = await resolveVideoRef(core.services.db.reader, input.video);
    const who = (await core.services.settings()).reviewerName;
    await changeFields(
      core.services.db.writer,
      await keyOf(core),
      videoId,
      {
        ...(input.set ? { set: input.set } : {}),
        ...(input.clear ? { clear: input.clear } : {}),
        ...(input.verify ? { verify: input.verify } : {}),
        ...(input.unverify ? { unverify: input.unverify } : {}),
      },
      who,
    );
    core.services.events.emit({ type: 'data.changed', videoId, topic: 'patient' });
    return patientData(core, videoId);
  },
  async 'patient.crop'(core, input) {
    const videoId = await resolveVideoRef(core.services.db.reader, input.video);
    const png = await readCrop(core.services.db.reader, await keyOf(core), videoId, input.field);
    return { field: input.field, png: png ? png.toString('base64') : null };
  },
  async 'patient.audit'(core, input) {
    const videoId = await resolveVideoRef(core.services.db.reader, input.video);
    return readAudit(core.services.db.reader, await keyOf(core), videoId);
  },
  async 'profiles.list'(core) {
    return listProfiles(core.services.db.reader);
  },
  async 'profiles.get'(core, input) {
    return getProfile(core.services.db.reader, input.name);
  },
  async 'profiles.save'(core, input) {
    return saveProfile(core.services.db.writer, input.profile);
  },
  async 'profiles.delete'(core, input) {
    await deleteProfile(core.services.db.writer, input.name);
    return { deleted: input.name };
  },
  async 'profiles.suggest'(core, input) {
    const db = core.services.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    const r = await getOcrResult(db, videoId, null);
    if (!r) throw new FramewiseError('precondition', `Video ${videoId} has no OCR result yet; run ocr first`);
    const endo = await getEndoscopeRegion(db, videoId);
    const profiles = (await listProfiles(db)).map((p) => p.profile);
    const boxes = r.regions.filter((g) => g.stable && !g.insideEndoscope).map((g) => g.box);
    return rankProfiles(profiles, boxes, endo?.source === 'detected' ? endo : null, r.frameWidth, r.frameHeight);
  },
  async 'endoscope.get'(core, input) {
    const db = core.services.db.reader;
    return getEndoscopeRegion(db, await resolveVideoRef(db, input.video));
  },
  async 'endoscope.set'(core, input) {
    const db = core.services.db.reader;
    const videoId = await resolveVideoRef(db, input.video);
    const v = await db.selectFrom('videos').select(['display_width', 'display_height']).where('id', '=', videoId).executeTakeFirstOrThrow();
    const { region } = input;
    if (region.x + region.width > v.display_width || region.y + region.height > v.display_height) {
      throw new FramewiseError('usage', `The region lies outside the ${v.display_width}x${v.display_height} frame`);
    }
    const fill = region.shape === 'circle' ? Math.PI / 4 : region.shape === 'rectangle' ? 1 : 1 - 2 * (region.cornerCut ?? 0.2) ** 2;
    await putEndoscopeRegion(
      core.services.db.writer,
      videoId,
      { ...region, frameWidth: v.display_width, frameHeight: v.display_height, fill },
      'manual',
    );
    core.services.events.emit({ type: 'data.changed', videoId, topic: 'ocr' });
    return (await getEndoscopeRegion(core.services.db.reader, videoId))!;
  },
};
