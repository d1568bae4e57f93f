import { z } from 'zod';
import { command, defineCapability } from '../capability.js';
import { silenceCommand } from './cli.js';
import { applyInput, audioApplyJob } from './apply-job.js';
import { audioDetectJob, detectInput } from './detect-job.js';

/**
 * Audio: silence detection with auto-editor's semantics, speech detection (Silero VAD, `core/speech/`), results
 * as segments in the `silence` / `speech` lanes (editable and undoable in review), and applying a lane as one
 * ffmpeg pass (cut, or speed up the silent parts).
 */
export const audioCapability = defineCapability({
  name: 'audio',
  commands: {
    'audio.detect': command(detectInput, async (s, input) => s.jobs.enqueue('audio.detect', input)),
    'audio.apply': command(applyInput, async (s, input) => s.jobs.enqueue('audio.apply', input)),
    'audio.lastResult': command(
      z.object({ videoId: z.number().int().positive(), method: z.enum(['loudness', 'speech']).default('loudness') }),
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
  },
  jobKinds: [audioDetectJob, audioApplyJob],
  cli: [silenceCommand],
});
