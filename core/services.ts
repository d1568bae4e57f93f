import type { LibraryDb } from './db/open.js';
import type { EventBus } from './events/bus.js';
import type { Ffmpeg } from './ffmpeg/index.js';
import type { JobHost } from './jobs/host.js';
import type { JobQueue } from './jobs/queue.js';
import type { JobRunner } from './jobs/runner.js';
import type { JobRegistry } from './jobs/registry.js';
import type { Settings } from './settings/schema.js';

/**
 * A per-library value a capability keeps in `Services` instead of a module-level variable: a cache (the
 * patient key), a pluggable part (how verification reads text), a resolver (where prediction gets the
 * endoscope region). `initial` makes the value the first time it is used; `services.provide` replaces it.
 */
export interface Slot<T> {
  readonly name: string;
  initial(services: Services): T;
}

export function slot<T>(name: string, initial: (services: Services) => T): Slot<T> {
  return { name, initial };
}

/** What a capability gets to do its work: the library's database and folders, ffmpeg, jobs and events. */
export interface Services extends JobHost {
  dataDir: string;
  /** Folder for files Framewise owns: copied media, artifacts. */
  mediaDir: string;
  artifactsDir: string;
  db: LibraryDb;
  ffmpeg: Ffmpeg;
  events: EventBus;
  jobs: JobQueue<Services>;
  registry: JobRegistry<Services>;
  /** Present only in processes that run jobs. */
  runner: JobRunner<Services> | null;
  settings(): Promise<Settings>;
  /** The value of a slot for this library (made by the slot's `initial` on first use). */
  use<T>(slot: Slot<T>): T;
  /** Replace a slot's value for this library (wiring, tests); `undefined` restores the initial value. */
  provide<T>(slot: Slot<T>, value: T | undefined): void;
}

/** The slot storage behind `Services.use` / `provide`. */
export function slotStore(services: () => Services): Pick<Services, 'use' | 'provide'> {
  const values = new Map<Slot<unknown>, unknown>();
  return {
    use<T>(s: Slot<T>): T {
      if (!values.has(s as Slot<unknown>)) values.set(s as Slot<unknown>, s.initial(services()));
      return values.get(s as Slot<unknown>) as T;
    },
    provide<T>(s: Slot<T>, value: T | undefined): void {
      if (value === undefined) values.delete(s as Slot<unknown>);
      else values.set(s as Slot<unknown>, value);
    },
  };
}
