import { defineCapability, type CommandTypes } from '../capability.js';
import { duplicatesCommand, similarCommand } from './cli.js';
import { similarCommands } from './commands.js';
import { clipEmbeddingsJob, clipFingerprintsJob } from './clip-jobs.js';
import { fingerprintJob } from './fingerprint-job.js';
import { similarMigrations } from './store.js';
import { embeddingMigrations } from './embedding-store.js';

/** Similar clips and near-duplicates: fingerprints per video and clip, near-duplicate flags, search by example. */
export const similar = defineCapability({
  name: 'similar',
  commands: similarCommands,
  jobKinds: [fingerprintJob, clipFingerprintsJob, clipEmbeddingsJob],
  migrations: [...similarMigrations, ...embeddingMigrations],
  cli: [duplicatesCommand, similarCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof similarCommands> {}
}

export type { NearDuplicatePair, SimilarClip, SimilarSearch } from './commands.js';
