import { rm } from 'node:fs/promises';
import path from 'node:path';
import { nowIso } from '../db/open.js';
import { z } from 'zod';
import { command } from '../capability.js';
import { videoRefSchema as videoRef } from '../util/schemas.js';
import { getVideoRow, getVideoSummary, resolveVideoRef } from '../library/videos.js';
import { FramewiseError, type SerializedError } from '../util/errors.js';
import { assertSomethingToAnonymize, prepareAnonymization } from './job.js';
import { anonymizeOutputSchema, resolveOutputPath } from './output-path.js';
import { reapAbandonedExports } from './reap-exports.js';
import { sourceOverridesSchema } from './sources.js';
import { anonymizeOptionsSchema, timedMaskSchema, upgradeStoredPlan, type AnonymizationPlan } from './types.js';
import type { VerificationResult } from './verify.js';

/** One anonymization export as recorded in the audit trail (who, when, plan, verification, output hash). */
export interface AnonymizeExportRecord {
  id: number;
  videoId: number;
  videoSha256: string;
  jobId: number | null;
  who: string;
  state: 'running' | 'verified' | 'rejected' | 'failed' | 'cancelled';
  outputPath: string;
  outputSha256: string | null;
  outputSize: number | null;
  options: unknown;
  plan: AnonymizationPlan | null;
  verification: VerificationResult | null;
  /** The render's ffmpeg command line (binary + arguments as run; patient values withheld); null before it ran. */
  command: string[] | null;
  error: SerializedError | null;
  startedAt: string;
  finishedAt: string | null;
}

function parse<T>(text: string | null): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** Anonymized exports: plan, start (a job), the export audit, deleting a verified original. */
export const anonymizeCommands = {
  'anonymize.plan': command(
    z
      .object({
        video: videoRef,
        options: anonymizeOptionsSchema.partial().optional(),
        overrides: sourceOverridesSchema.optional(),
        timedMasks: z.array(timedMaskSchema).max(100000).optional(),
      })
      .strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      const p = await prepareAnonymization(s, {
        videoId,
        ...(input.options ? { options: input.options } : {}),
        ...(input.overrides ? { overrides: input.overrides } : {}),
        ...(input.timedMasks ? { timedMasks: input.timedMasks } : {}),
      });
      return { videoId, plan: p.plan, gate: p.gate, origin: p.sources.origin };
    },
  ),
  'anonymize.start': command(
    z
      .object({
        video: videoRef,
        output: anonymizeOutputSchema,
        options: anonymizeOptionsSchema.partial().optional(),
        who: z.string().min(1).max(200).optional(),
        overrides: sourceOverridesSchema.optional(),
        timedMasks: z.array(timedMaskSchema).max(100000).optional(),
        verifyInterval: z.number().min(0.01).max(0.5).optional(),
      })
      .strict(),
    async (s, input) => {
      const videoId = await resolveVideoRef(s.db.reader, input.video);
      // Refuse at once (same checks as the job's precondition) so the user sees what is missing.
      const p = await prepareAnonymization(s, {
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
      // An ffmpeg without the encoders/filters the render needs disables it with a clear message (core/ffmpeg/features.ts).
      s.ffmpeg.features.require(p.plan.output.codec === 'hevc' ? 'anonymize.hevc' : 'anonymize.render');
      if (input.output.path) resolveOutputPath(input.output, p.video, p); // refuses a name that leaks the original
      const { video: _v, output, ...rest } = input;
      return s.jobs.enqueue('anonymize', { videoId, output, ...rest });
    },
  ),
  'anonymize.exports': command(
    z.object({ video: videoRef.optional(), limit: z.number().int().min(1).max(10000).optional() }).strict(),
    async (s, input) => {
      await reapAbandonedExports(s);
      let q = s.db.reader
        .selectFrom('anonymize_exports')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(input.limit ?? 1000);
      if (input.video !== undefined) q = q.where('video_id', '=', await resolveVideoRef(s.db.reader, input.video));
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
        plan: upgradeStoredPlan(parse(r.plan_json)) as AnonymizationPlan | null,
        verification: parse(r.verification_json),
        command: parse<string[]>(r.command_json),
        error: parse<SerializedError>(r.error_json),
        startedAt: r.started_at,
        finishedAt: r.finished_at,
      }));
    },
  ),
  /** Only on request, only a copy inside the library folder, only after a verified export. */
  'anonymize.deleteOriginal': command(z.object({ video: videoRef }).strict(), async (s, input) => {
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
  }),
};
