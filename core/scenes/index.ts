import { defineCapability, type CommandTypes } from '../capability.js';
import { scenesCommand } from './cli.js';
import { scenesCommands } from './commands.js';
import { scenesJob } from './scenes-job.js';
import { scenesMigrations } from './store.js';

/** Scene detection: the `scenes` job, its stored results per video and parameter set, `framewise scenes`. */
export const scenes = defineCapability({
  name: 'scenes',
  commands: scenesCommands,
  jobKinds: [scenesJob],
  migrations: scenesMigrations,
  cli: [scenesCommand],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof scenesCommands> {}
}

export type { SceneResult } from './store.js';
export type { Scene } from './detect.js';
export { numberingFps, latestDetection, detectionById } from './store.js';
