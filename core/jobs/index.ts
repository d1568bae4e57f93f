import { z } from 'zod';
import { command, defineCapability, type CommandTypes } from '../capability.js';
import { idSchema as id } from '../util/schemas.js';
import { cancelCommand, jobsCommand, retryCommand } from './cli/jobs.js';
import { listJobEvents } from './store.js';
import { cleanupAuditMigration } from './migrations/0052-cleanup-audit.js';
import { jobOwnersMigration } from './migrations/0055-job-owners-and-runners.js';
import { changeLogMigration } from './migrations/0056-change-log.js';
import { jobPartialOutputsMigration } from './migrations/0057-job-partial-outputs.js';
import { reapPartialOutputs } from './partial-outputs.js';

export const jobsCommands = {
  'jobs.list': command(
    z
      .object({
        states: z.array(z.enum(['queued', 'running', 'interrupted', 'succeeded', 'failed', 'cancelled'])).optional(),
        videoId: id.optional(),
        kind: z.string().max(100).optional(),
        limit: z.number().int().min(1).max(5000).optional(),
      })
      .strict(),
    async (s, input) => s.jobs.list(input),
  ),
  'jobs.get': command(z.object({ id }).strict(), async (s, input) => s.jobs.get(input.id)),
  'jobs.events': command(z.object({ id }).strict(), async (s, input) => {
    await s.jobs.get(input.id);
    return listJobEvents(s.db.reader, input.id);
  }),
  'jobs.enqueue': command(z.object({ kind: z.string().min(1).max(100), input: z.unknown() }).strict(), async (s, input) =>
    s.jobs.enqueue(input.kind, input.input),
  ),
  'jobs.cancel': command(z.object({ id }).strict(), async (s, input) => s.jobs.cancel(input.id)),
  'jobs.retry': command(z.object({ id }).strict(), async (s, input) => s.jobs.retry(input.id)),
};

/** Durable jobs: list, inspect, enqueue, cancel, retry (the queue and runner themselves are in `Services`). */
export const jobs = defineCapability({
  name: 'jobs',
  commands: jobsCommands,
  cli: [jobsCommand, cancelCommand, retryCommand],
  events: ['job.state', 'job.progress'],
  // Jobs and events across processes (issue 19): owners, follow-ups, job runners; the change log.
  // 52: what a process start removed after a crash (reaper.ts, issue 10).
  // 57: the temp files running jobs write beside their outputs, removed at the next start after a process death.
  migrations: [cleanupAuditMigration, jobOwnersMigration, changeLogMigration, jobPartialOutputsMigration],
  cleanups: [{ name: 'partial outputs of jobs whose process died', run: reapPartialOutputs }],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof jobsCommands> {}
}
