import { defineCapability, type CommandTypes } from '../capability.js';
import { segmentsCommand } from './cli/segments.js';
import { reviewCommands } from './commands.js';
import { segmentHistoryMigration } from './migrations/0050-segment-history.js';
import { spritesJob } from './sprites-job.js';

/** Segment review: frame-snapped edits, append-only history, undo/redo, conflicts, sprite sheets. */
export const review = defineCapability({
  name: 'review',
  commands: reviewCommands,
  jobKinds: [spritesJob],
  migrations: [segmentHistoryMigration],
  cli: [segmentsCommand],
  events: ['segments.changed'],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof reviewCommands> {}
}
