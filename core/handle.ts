import type { CommandInput, CommandName, CommandOutput } from './command-registry.js';
import type { CoreEvent } from './events/types.js';
import type { RunnerIdentity } from './jobs/runner.js';
import type { MediaTarget } from './media/targets.js';
import type { Services } from './services.js';

export interface CoreOptions {
  dataDir?: string;
  /** Run queued jobs in this process (the app and `serve` do; one-shot CLI commands that wait on jobs do too). */
  runJobs?: boolean;
  /** With runJobs: claim only jobs this process enqueues (one-shot CLI commands). */
  ownJobsOnly?: boolean;
  concurrency?: number;
  /** How `jobs` and `status` name this process when it runs jobs (default: the app). */
  identity?: RunnerIdentity;
  ffmpegPath?: string;
  ffprobePath?: string;
  /**
   * Open the library for reading only (its disk is full): no migration, no reaping, no jobs, no change feed, no
   * log file; every write fails. Only commands that read (`list`, `info`) fall back to it.
   */
  readOnly?: boolean;
}

/**
 * What an open library offers (implemented by `Core`, `core/core.ts`). Code below the capability list (a
 * capability's CLI commands, the bridge) uses this interface, so it never imports the list it is part of.
 */
export interface CoreHandle {
  readonly services: Services;
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  call(name: string, input: unknown): Promise<unknown>;
  subscribe(listener: (event: CoreEvent) => void): () => void;
  mediaPath(target: MediaTarget): Promise<{ path: string; contentType: string }>;
  close(): Promise<void>;
}
