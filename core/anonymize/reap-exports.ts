import { rm, stat } from 'node:fs/promises';
import { nowIso } from '../db/open.js';
import { processAlive } from '../jobs/liveness.js';
import type { Removal } from '../jobs/reaper.js';
import type { Services } from '../services.js';

/**
 * Exports left 'running' by a process that died mid-render: their job is no longer queued or running.
 * Their partial (unverified) file is deleted and the export is recorded as failed (the export's own audit).
 */
export async function reapAbandonedExports(services: Services): Promise<Removal[]> {
  const db = services.db.writer;
  const rows = await db
    .selectFrom('anonymize_exports as e')
    .leftJoin('jobs as j', 'j.id', 'e.job_id')
    .select(['e.id', 'e.video_id', 'e.temp_path', 'j.state as jobState', 'j.runner_id', 'j.runner_pid', 'j.heartbeat_at'])
    .where('e.state', '=', 'running')
    .execute();
  const removed: Removal[] = [];
  for (const r of rows) {
    // A job whose process died is still `running` in its row (shown as interrupted): its partial file goes now.
    if (r.jobState === 'queued' || (r.jobState === 'running' && processAlive(r.runner_id, r.runner_pid, r.heartbeat_at))) continue;
    let existed = false;
    if (r.temp_path) {
      existed = await stat(r.temp_path).then(
        () => true,
        () => false,
      );
      await rm(r.temp_path, { force: true });
    }
    await db
      .updateTable('anonymize_exports')
      .set({
        state: 'failed',
        temp_path: null,
        error_json: JSON.stringify({
          code: 'interrupted',
          message: existed
            ? 'Interrupted: the process stopped during the export; its partial (unverified) file was deleted'
            : 'Interrupted: the process stopped during the export; no partial file was left',
        }),
        finished_at: nowIso(),
      })
      .where('id', '=', r.id)
      .where('state', '=', 'running')
      .execute();
    removed.push({ kind: 'partial_output', detail: { exportId: r.id, videoId: r.video_id, fileRemoved: existed ? 1 : 0 } });
  }
  return removed;
}
