import type { Capability } from './capability.js';
import type { AnyJobKind } from './jobs/kind.js';
import type { Services } from './services.js';
import { coreMigrations, type Migration } from './db/migrations.js';
import { settings } from './settings/index.js';
import { jobs } from './jobs/index.js';
import { library } from './library/index.js';
import { ocr } from './ocr/index.js';
import { predict } from './predict/index.js';
import { review } from './review/index.js';
import { anonymize } from './anonymize/index.js';
import { scenes } from './scenes/index.js';
import { clips } from './clips/index.js';
import { similar } from './similar/index.js';
import { timedMasks } from './timed-masks/index.js';
import { audioCapability } from './audio/index.js';
import { convertCapability } from './convert/index.js';
import { subtitles } from './subtitles/index.js';

/**
 * Every capability, in dependency order (a capability may use those before it). Adding a capability is one
 * line here plus its own folder. Entries are `as const` so the client type knows each command.
 */
export const capabilities = [
  settings,
  jobs,
  library,
  ocr,
  predict,
  review,
  timedMasks,
  anonymize,
  audioCapability,
  convertCapability,
  scenes,
  clips,
  similar,
  subtitles,
] as const satisfies readonly Capability[];

const list: readonly Capability[] = capabilities;

/** Every capability's job kinds. */
export const jobKinds: AnyJobKind[] = list.flatMap((c) => c.jobKinds ?? []);

/** Put what each capability hands to those before it into the library's `Services` slots (at every open). */
export function wireCapabilities(services: Services): void {
  for (const c of list) c.provides?.(services);
}

/** What crashed processes leave behind, per capability (run at every process start). */
export const allCleanups = list.flatMap((c) => c.cleanups ?? []);

/** Every migration: the core's, then each capability's. */
export const allMigrations: Migration[] = [...coreMigrations, ...list.flatMap((c) => c.migrations ?? [])];

/** Each capability by name (also makes every user of this list load each capability's command types). */
export {
  settings,
  jobs,
  library,
  ocr,
  predict,
  review,
  timedMasks,
  anonymize,
  scenes,
  clips,
  similar,
  audioCapability,
  convertCapability,
  subtitles,
};
