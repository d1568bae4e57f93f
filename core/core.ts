import path from 'node:path';
import type { z } from 'zod';
import { commandDef, isCommandName, type CommandInput, type CommandName, type CommandOutput } from './api/commands.js';
import type { CoreEvent } from './events/types.js';
import { diskFullError, openLibraryDb, openLibraryDbReadOnly, type LibraryDb } from './db/open.js';
import { EventBus } from './events/bus.js';
import { ChangeFeed } from './events/feed.js';
import { Ffmpeg } from './ffmpeg/index.js';
import { JobQueue } from './jobs/queue.js';
import { JobRegistry } from './jobs/registry.js';
import { JobRunner, defaultConcurrency } from './jobs/runner.js';
import { reapAbandoned } from './jobs/reaper.js';
import { allCleanups, allMigrations, jobKinds, wireCapabilities } from './capabilities.js';
import type { CoreHandle, CoreOptions } from './handle.js';
import type { MediaTarget } from './media/targets.js';
import { slotStore, type Services } from './services.js';
import { readSettings } from './settings/store.js';
import { resolveDataDir } from './paths.js';
import { FramewiseError } from './util/errors.js';
import { errorForLog, openLibraryLog, silentLog } from './util/log.js';
import { exportMediaPath } from './anonymize/media.js';
import { unlockLibraryText } from './patient/key.js';
import { clipMediaPath } from './clips/exported.js';

export type { CoreOptions };
/** Re-exported so that whoever uses `Core` also loads every capability's command types (their `declare module`). */
export { capabilities } from './capabilities.js';

/** The product's engine: one library, its jobs and events, behind one typed API. */
export class Core implements CoreHandle {
  readonly services: Services;
  private closed = false;
  /** Shares this process's events with the other processes that have the library open, and theirs with it. */
  private feed: ChangeFeed | null = null;

  private constructor(
    services: Services,
    private closeLog: () => Promise<void>,
  ) {
    this.services = services;
  }

  static async open(opts: CoreOptions = {}): Promise<Core> {
    const dataDir = resolveDataDir(opts.dataDir);
    // The database first: a library folder that cannot be opened (a file, no permission) fails here with its
    // reason, before the log (which lives inside that folder) is started.
    const readOnly = opts.readOnly === true;
    const db: LibraryDb = readOnly ? openLibraryDbReadOnly(dataDir, allMigrations) : openLibraryDb(dataDir, allMigrations);
    let log: Awaited<ReturnType<typeof openLibraryLog>>['log'];
    let closeLog: () => Promise<void>;
    try {
      // Read-only (a full disk): a log file could not be written either.
      ({ log, close: closeLog } = readOnly ? { log: silentLog, close: () => Promise.resolve() } : await openLibraryLog(dataDir));
    } catch (err) {
      await db.close();
      throw err;
    }
    try {
      const settings = await readSettings(db.reader);
      const ffmpeg = await Ffmpeg.create({
        ...((opts.ffmpegPath ?? settings.ffmpegPath) ? { ffmpeg: (opts.ffmpegPath ?? settings.ffmpegPath)! } : {}),
        ...((opts.ffprobePath ?? settings.ffprobePath) ? { ffprobe: (opts.ffprobePath ?? settings.ffprobePath)! } : {}),
      });
      const registry = new JobRegistry<Services>();
      for (const k of jobKinds) registry.register(k);
      const events = new EventBus();
      // Services refer to each other (the queue wakes the runner, the runner marks jobs through the queue).
      // eslint-disable-next-line prefer-const
      let services: Services;
      const get = () => services;
      const jobs = new JobQueue<Services>(get, registry);
      const runner =
        opts.runJobs && !readOnly
          ? new JobRunner<Services>(get, registry, opts.concurrency ?? settings.jobConcurrency ?? defaultConcurrency(), opts.identity)
          : null;
      services = {
        log,
        dataDir,
        mediaDir: path.join(dataDir, 'media'),
        artifactsDir: path.join(dataDir, 'artifacts'),
        db,
        ffmpeg,
        events,
        jobs,
        registry,
        runner,
        settings: () => readSettings(db.reader),
        ...slotStore(get),
      };
      wireCapabilities(services);
      // The key first: file names, paths and job data are stored sealed with it (core/db/sealed-text.ts).
      await unlockLibraryText(services);
      // Before anything else: what a crashed process left behind (jobs, partial outputs, tmp folders).
      // Read-only, nothing can be removed or recorded: the next writable start does it.
      if (!readOnly) await reapAbandoned(services, allCleanups);
      if (runner && opts.ownJobsOnly) runner.ownJobsOnly();
      const core = new Core(services, closeLog);
      if (!readOnly) {
        core.feed = new ChangeFeed(db, events);
        await core.feed.start();
      }
      // Without the library key nothing that names a file can be stored: this process runs no jobs.
      if (runner && db.sealed.unlocked) await runner.start();
      log.info({ schemaVersion: db.schemaVersion, runsJobs: runner !== null }, 'library opened');
      return core;
    } catch (err) {
      log.error({ err: errorForLog(err) }, 'library did not open');
      await db.close();
      await closeLog();
      throw diskFullError(dataDir, err) ?? err;
    }
  }

  /** Validate and run one command. This is the only entry point the transports use. */
  async call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  async call(name: string, input: unknown): Promise<unknown>;
  async call(name: string, input: unknown): Promise<unknown> {
    if (this.closed) throw new FramewiseError('library_closed', 'The library is closed');
    if (!isCommandName(name)) throw new FramewiseError('usage', `Unknown command "${name}"`);
    const def = commandDef(name);
    const parsed = (def.input as z.ZodType).safeParse(input ?? {});
    const log = this.services.log;
    if (!parsed.success) {
      log.info({ command: name, code: 'usage' }, 'command refused: invalid input');
      throw new FramewiseError(
        'usage',
        `Invalid input for ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`,
      );
    }
    const started = performance.now();
    try {
      const out = await def.handler(this.services, parsed.data);
      log.debug({ command: name, ms: Math.round(performance.now() - started) }, 'command');
      return out;
    } catch (err) {
      const e = errorForLog(err);
      log[e.code === 'internal' ? 'error' : 'info'](
        { command: name, ms: Math.round(performance.now() - started), err: e },
        'command failed',
      );
      // The library's disk is full: say so, naming the folder (SQLite only says "database or disk is full").
      throw diskFullError(this.services.dataDir, err, { databaseOnly: true }) ?? err;
    }
  }

  subscribe(listener: (event: CoreEvent) => void): () => void {
    return this.services.events.subscribe(listener);
  }

  /**
   * The file behind a media URL: only library videos and artifacts are ever served.
   * Returns the absolute path or throws not_found.
   */
  async mediaPath(target: MediaTarget): Promise<{ path: string; contentType: string }> {
    const db = this.services.db.reader;
    if (target.kind === 'export') return exportMediaPath(this.services, target.id);
    if (target.kind === 'clip') {
      const file = await clipMediaPath(this.services, target.id);
      return { path: file, contentType: contentTypeFor(file) };
    }
    if (target.kind === 'video') {
      const row = await db.selectFrom('videos').select(['path', 'container']).where('id', '=', target.id).executeTakeFirst();
      if (!row) throw new FramewiseError('not_found', `No video ${target.id}`);
      return { path: row.path, contentType: contentTypeFor(row.path) };
    }
    const row = await db.selectFrom('artifacts').select(['path']).where('id', '=', target.id).executeTakeFirst();
    if (!row) throw new FramewiseError('not_found', `No artifact ${target.id}`);
    const abs = path.resolve(this.services.artifactsDir, row.path);
    if (!abs.startsWith(path.resolve(this.services.artifactsDir) + path.sep))
      throw new FramewiseError('not_found', 'Artifact outside the library');
    return { path: abs, contentType: contentTypeFor(abs) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.services.runner?.stop();
    await this.feed?.close();
    this.services.events.close();
    await this.services.db.close();
    this.services.log.info('library closed');
    await this.closeLog();
  }
}

export function contentTypeFor(file: string): string {
  const ext = path.extname(file).toLowerCase();
  const types: Record<string, string> = {
    '.mp4': 'video/mp4',
    '.m4v': 'video/mp4',
    '.mov': 'video/quicktime',
    '.webm': 'video/webm',
    '.mkv': 'video/x-matroska',
    '.jpg': 'image/jpeg',
    '.jpeg': 'image/jpeg',
    '.png': 'image/png',
    '.webp': 'image/webp',
    '.json': 'application/json',
    '.vtt': 'text/vtt',
    '.bin': 'application/octet-stream',
  };
  return types[ext] ?? 'application/octet-stream';
}
