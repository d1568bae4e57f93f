import type { ParseArgsConfig } from 'node:util';
import type { CoreHandle, CoreOptions } from '../handle.js';
import type { Output } from './output.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export interface CliContext {
  /** Positional arguments after the command name. */
  args: string[];
  /** Parsed command options (global ones removed). */
  options: Record<string, string | boolean | string[] | boolean[] | undefined>;
  json: boolean;
  out: Output;
  /** Open the library (lazily; commands that need no library never open it). */
  openCore(extra?: Partial<CoreOptions>): Promise<CoreHandle>;
}

export interface CliCommand {
  name: string;
  /** One line for `framewise --help`. */
  summary: string;
  /** Usage line(s) after `framewise `. */
  usage: string;
  /** Extra help text (options). */
  help?: string;
  options?: ParseArgsConfig['options'];
  /** The command only reads the library: on a full disk it opens it read-only instead of failing. */
  readsOnly?: boolean;
  run(ctx: CliContext): Promise<number>;
}

/** A mistake in how the command was called: exit code 2 with the usage line. */
export class UsageError extends Error {}
