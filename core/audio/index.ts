import { defineCapability, type CommandTypes } from '../capability.js';
import { silenceCommand } from './cli.js';
import { audioApplyJob } from './apply-job.js';
import { audioCommands } from './commands.js';
import { audioDetectJob } from './detect-job.js';

/**
 * Audio: silence detection with auto-editor's semantics, speech detection (Silero VAD, `core/speech/`), results
 * as segments in the `silence` / `speech` lanes (editable and undoable in review), and applying a lane as one
 * ffmpeg pass (cut, or speed up the silent parts).
 */
export const audioCapability = defineCapability({
  name: 'audio',
  commands: audioCommands,
  jobKinds: [audioDetectJob, audioApplyJob],
  cli: [silenceCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof audioCommands> {}
}
