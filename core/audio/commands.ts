import { z } from 'zod';
import { command } from '../capability.js';
import { applyInput } from './apply-job.js';
import { detectInput } from './detect-job.js';

/** Audio commands: start detection or apply (jobs), and the last detection result of a video. */
export const audioCommands = {
  'audio.detect': command(detectInput, async (s, input) => s.jobs.enqueue('audio.detect', input)),
  'audio.apply': command(applyInput, async (s, input) => s.jobs.enqueue('audio.apply', input)),
  'audio.lastResult': command(
    z.object({ videoId: z.number().int().positive(), method: z.enum(['loudness', 'speech']).default('loudness') }).strict(),
    async (s, input) => {
      const rows = await s.db.reader
        .selectFrom('jobs')
        .select(['id', 'input_json', 'output_json'])
        .where('kind', '=', 'audio.detect')
        .where('video_id', '=', input.videoId)
        .where('state', '=', 'succeeded')
        .orderBy('id', 'desc')
        .limit(20)
        .execute();
      const row = rows.find((r) => (JSON.parse(r.input_json) as { method?: string }).method === input.method);
      return row?.output_json ? { jobId: row.id, result: JSON.parse(row.output_json) as unknown } : null;
    },
  ),
};
