import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { AnonymizeExportRecord } from '../api/types.js';
import { nowIso } from '../db/open.js';
import type { PartialHandlers } from '../handlers.js';
import { getVideoRow, getVideoSummary, resolveVideoRef } from '../library/videos.js';
import { FramewiseError, type SerializedError } from '../util/errors.js';
import { assertSomethingToAnonymize, prepareAnonymization, reapAbandonedExports, resolveOutputPath } from './job.js';

function parse<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

export const anonymizeHandlers: PartialHandlers<'anonymize.plan' | 'anonymize.start' | 'anonymize.exports' | 'anonymize.deleteOriginal'> = {
  async 'anonymize.plan'(core, input) {
    const videoId = await resolveVideoRef(core.services.db.reader, input.video);
    const p = await prepareAnonymization(core.services, {
      videoId,
      ...(input.options ? { options: input.options } : {}),
      ...(input.overrides ? { overrides: input.overrides } : {}),
      ...(input.timedMasks ? { timedMasks: input.timedMasks } : {}),
    });
    return { videoId, plan: p.plan, gate: p.gate, origin: p.sources.origin };
  },
  async 'anonymize.start'(core, input) {
    const videoId = await resolveVideoRef(core.services.db.reader, input.video);
    // Refuse at once (same checks as the job's precondition) so the user sees what is missing.
    const p = await prepareAnonymization(core.services, {
      videoId,
      ...(input.options ? { options: input.options } : {}),
      ...(input.overrides ? { overrides: input.overrides } : {}),
    });
    if (!p.gate.ok) {
      throw new FramewiseError('precondition', `The clinical gate refuses to start the anonymization: ${p.gate.missing.join(' ')}`, {
        missing: p.gate.missing,
      });
    }
    assertSomethingToAnonymize(p);
    if (input.output.path) resolveOutputPath(input.output, p.video, p); // refuses a name that leaks the original
    const { video: _v, output, ...rest } = input;
    return core.services.jobs.enqueue('anonymize', { videoId, output, ...rest });
  },
  async 'anonymize.exports'(core, input) {
    await reapAbandonedExports(core.services);
    let q = core.services.db.reader
      .selectFrom('anonymize_exports')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(input.limit ?? 1000);
    if (input.video !== undefined) q = q.where('video_id', '=', await resolveVideoRef(core.services.db.reader, input.video));
    const rows = await q.execute();
    return rows.map((r): AnonymizeExportRecord => ({
      id: r.id,
      videoId: r.video_id,
      videoSha256: r.video_sha256,
      jobId: r.job_id,
      who: r.who,
      state: r.state as AnonymizeExportRecord['state'],
      outputPath: r.output_path,
      outputSha256: r.output_sha256,
      outputSize: r.output_size,
      options: parse(r.options_json),
      plan: parse(r.plan_json),
      verification: parse(r.verification_json),
      error: parse<SerializedError>(r.error_json),
      startedAt: r.started_at,
      finishedAt: r.finished_at,
    }));
  },
  /** Only on request, only a copy inside the library folder, only after a verified export. */
  async 'anonymize.deleteOriginal'(core, input) {
    const s = core.services;
    const videoId = await resolveVideoRef(s.db.reader, input.video);
    const row = await getVideoRow(s.db.reader, videoId);
    const verified = await s.db.reader
      .selectFrom('anonymize_exports')
      .select('id')
      .where('video_id', '=', videoId)
      .where('state', '=', 'verified')
      .executeTakeFirst();
    if (!verified) throw new FramewiseError('precondition', `Video ${videoId} has no verified anonymized export; its original is kept`);
    const media = path.resolve(s.mediaDir) + path.sep;
    if (row.copied !== 1 || !path.resolve(row.path).startsWith(media)) {
      throw new FramewiseError(
        'precondition',
        `Video ${videoId} is not a copy in the library folder; Framewise never deletes files outside it`,
      );
    }
    await rm(row.path, { force: true });
    await s.db.writer.updateTable('videos').set({ state: 'missing', updated_at: nowIso() }).where('id', '=', videoId).execute();
    s.events.emit({ type: 'video.changed', video: await getVideoSummary(s.db.reader, videoId) });
    return { videoId, deleted: row.path };
  },
};
