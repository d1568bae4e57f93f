import type { LibraryDb } from './db/open.js';
import type { EventBus } from './events/bus.js';
import type { Ffmpeg } from './ffmpeg/index.js';
import type { JobQueue } from './jobs/queue.js';
import type { JobRunner } from './jobs/runner.js';
import type { JobRegistry } from './jobs/registry.js';
import type { Settings } from './settings/schema.js';

/** What a capability gets to do its work: the library's database and folders, ffmpeg, jobs and events. */
export interface Services {
  dataDir: string;
  /** Folder for files Framewise owns: copied media, artifacts. */
  mediaDir: string;
  artifactsDir: string;
  db: LibraryDb;
  ffmpeg: Ffmpeg;
  events: EventBus;
  jobs: JobQueue;
  registry: JobRegistry;
  /** Present only in processes that run jobs. */
  runner: JobRunner | null;
  settings(): Promise<Settings>;
}
