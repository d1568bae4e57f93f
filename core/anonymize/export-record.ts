import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';
import { nowIso } from '../db/open.js';
import { serializeError } from '../util/errors.js';

/** What an export's audit row is started with (its outcome is written when the job ends). */
export interface ExportRecordStart {
  videoId: number;
  videoSha256: string;
  jobId: number;
  who: string;
  outputPath: string;
  tempPath: string | null;
  options: unknown;
  plan: unknown;
}

function rowValues(r: ExportRecordStart) {
  return {
    video_id: r.videoId,
    video_sha256: r.videoSha256,
    job_id: r.jobId,
    who: r.who,
    output_path: r.outputPath,
    temp_path: r.tempPath,
    output_sha256: null,
    output_size: null,
    options_json: JSON.stringify(r.options),
    plan_json: JSON.stringify(r.plan),
    verification_json: null,
    command_json: null,
    started_at: nowIso(),
  };
}

/** The audit row of an export that starts rendering now ("running" until the job ends). */
export async function startExportRecord(db: Kysely<Database>, r: ExportRecordStart): Promise<number> {
  const row = await db
    .insertInto('anonymize_exports')
    .values({ ...rowValues(r), state: 'running', error_json: null, finished_at: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The audit row of an export refused before anything ran (e.g. its output folder is full): failed, with why. */
export async function recordRefusedExport(db: Kysely<Database>, r: ExportRecordStart, err: unknown): Promise<void> {
  const e = serializeError(err);
  await db
    .insertInto('anonymize_exports')
    .values({
      ...rowValues({ ...r, tempPath: null }),
      state: 'failed',
      error_json: JSON.stringify({ code: e.code, message: e.message }),
      finished_at: nowIso(),
    })
    .execute();
}
