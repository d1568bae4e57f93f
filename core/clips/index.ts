import { defineCapability, type CommandTypes } from '../capability.js';
import { clipsCommand } from './cli.js';
import { clipsCommands } from './commands.js';
import { exportClipsJob } from './export-job.js';
import { clipsMigrations } from './store.js';

/** Clips: scenes as reviewable frame ranges with history, keyframes, sprite sheets, export. */
export const clips = defineCapability({
  name: 'clips',
  commands: clipsCommands,
  jobKinds: [exportClipsJob],
  migrations: clipsMigrations,
  cli: [clipsCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof clipsCommands> {}
}

export type { Clip, ClipState } from './store.js';
export type { ClipChange, ClipHistoryEntry } from './edits.js';
export type { ExportedFile } from './export-job.js';
