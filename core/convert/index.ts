import { z } from 'zod';
import { command, defineCapability, type CommandTypes } from '../capability.js';
import { convertCommand, framesCommand, mergeCommand } from './cli.js';
import { convertJob } from './convert-job.js';
import { framesJob } from './frames-job.js';
import { convertStartInput, framesStartInput, mergeStartInput, startConvert, startFrames, startMerge } from './handlers.js';
import { mergeJob } from './merge-job.js';
import { savedPresetSchema } from './presets.js';
import { deletePreset, listPresets, savePreset } from './preset-store.js';
import { convertPresetsMigration } from './migrations/0070-convert-presets.js';

/** Conversion commands: presets, and starting conversions, frame exports and merges (jobs). */
export const convertCommands = {
  'convert.presets': command(z.object({}).strict(), async (s) => listPresets(s)),
  'convert.savePreset': command(savedPresetSchema, async (s, input) => savePreset(s, input)),
  'convert.deletePreset': command(z.object({ name: z.string().min(1).max(100) }).strict(), async (s, input) => {
    await deletePreset(s, input.name);
    return { deleted: input.name };
  }),
  'convert.start': command(convertStartInput, startConvert),
  'frames.start': command(framesStartInput, startFrames),
  'merge.start': command(mergeStartInput, startMerge),
};

/** Conversion presets (built-in and saved), frame export with contact sheets, and merging files. */
export const convertCapability = defineCapability({
  name: 'convert',
  commands: convertCommands,
  jobKinds: [convertJob, framesJob, mergeJob],
  migrations: [convertPresetsMigration],
  cli: [convertCommand, framesCommand, mergeCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof convertCommands> {}
}
