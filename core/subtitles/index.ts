import { defineCapability, type CommandTypes } from '../capability.js';
import { subtitlesCli } from './cli.js';
import { subtitleCommands } from './commands.js';
import { burnJob, muxJob } from './jobs.js';
import { subtitleTracksMigration } from './migrations/0080-subtitle-tracks.js';

/**
 * Subtitles (issue 15): tracks imported from SRT, WebVTT, ASS/SSA, Whisper JSON or embedded text streams,
 * stored as cues in the library and edited with an append-only history; exported, muxed and burned in.
 */
export const subtitles = defineCapability({
  name: 'subtitles',
  commands: subtitleCommands,
  jobKinds: [muxJob, burnJob],
  migrations: [subtitleTracksMigration],
  cli: [subtitlesCli],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof subtitleCommands> {}
}

export type { Cue, StoredCue, SubtitleTrack } from './types.js';
export type { SubtitleChange, SubtitleHistoryEntry } from './edits.js';
