import type { z } from 'zod';
import type { CliCommand } from './cli/command.js';
import type { Migration } from './db/migrations.js';
import type { AnyJobKind } from './jobs/kind.js';
import type { Cleanup } from './jobs/reaper.js';
import type { Services } from './services.js';

/**
 * The contract of one capability (one folder of `core/`). A capability owns its commands (input schema +
 * handler), job kinds, migrations and CLI commands and exports them as ONE `Capability` from its `index.ts`;
 * `core/capabilities.ts` lists every capability in dependency order, and that list is the only place one is
 * registered. The command map and the client type are composed from it (`core/api/commands.ts`).
 */
export interface CommandDef<S extends z.ZodType = z.ZodType, O = unknown> {
  input: S;
  handler(services: Services, input: z.output<S>): Promise<O>;
}

/** A command: its zod input schema (validated at every transport) and its handler. */
export function command<S extends z.ZodType, O>(
  input: S,
  handler: (services: Services, input: z.output<S>) => Promise<O>,
): CommandDef<S, O> {
  return { input, handler };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type CommandDefs = Record<string, CommandDef<any, any>>;

export interface Capability<C extends CommandDefs = CommandDefs> {
  /** The folder name, e.g. "scenes". */
  name: string;
  commands: C;
  jobKinds?: AnyJobKind[];
  /** Versions are unique across all capabilities (see ARCHITECTURE.md for the ranges). */
  migrations?: Migration[];
  cli?: CliCommand[];
  /**
   * What it hands to capabilities before it (which may not import it): values put into their `Services` slots
   * when the library opens (e.g. the time-ranged masks that previews hide, owned by `timed-masks`, used by OCR's
   * preview mask).
   */
  provides?: (services: Services) => void;
  /** What a crashed process of this capability leaves behind, removed at every process start (`jobs/reaper.ts`). */
  cleanups?: Array<Cleanup<Services>>;
  /** The `type`s of the events it publishes (their shapes are in its `types.ts`, joined in `core/events/types.ts`). */
  events?: readonly string[];
}

export function defineCapability<C extends CommandDefs>(capability: Capability<C>): Capability<C> {
  return capability;
}

/** Input/output types of a set of commands. */
export type CommandInputs<C extends CommandDefs> = { [N in keyof C]: z.input<C[N]['input']> };
export type CommandOutputs<C extends CommandDefs> = { [N in keyof C]: Awaited<ReturnType<C[N]['handler']>> };
/** One entry per command: what `CommandRegistry` holds. */
export type CommandTypes<C extends CommandDefs> = {
  [N in keyof C]: { input: z.input<C[N]['input']>; output: Awaited<ReturnType<C[N]['handler']>> };
};

/** Input/output types of a capability's commands, for composing the client type. */
export type CapabilityInputs<C extends Capability> = CommandInputs<C['commands']>;
export type CapabilityOutputs<C extends Capability> = CommandOutputs<C['commands']>;

export type { CommandInput, CommandName, CommandOutput, CommandRegistry } from './command-registry.js';

/** Fails loudly when two capabilities define the same command, job kind, CLI command, event or migration version. */
export function checkCapabilities(
  capabilities: readonly Capability[],
  reserved: { commands?: readonly string[]; cli?: readonly string[] } = {},
): void {
  const seen = new Map<string, string>();
  const claim = (what: string, owner: string) => {
    const prev = seen.get(what);
    if (prev) throw new Error(`${what} is defined by both ${prev} and ${owner}`);
    seen.set(what, owner);
  };
  for (const n of reserved.commands ?? []) claim(`command ${n}`, 'core');
  for (const n of reserved.cli ?? []) claim(`cli command ${n}`, 'core');
  for (const c of capabilities) {
    for (const n of Object.keys(c.commands)) claim(`command ${n}`, c.name);
    for (const k of c.jobKinds ?? []) claim(`job kind ${k.kind}`, c.name);
    for (const m of c.migrations ?? []) claim(`migration ${m.version}`, c.name);
    for (const cli of c.cli ?? []) claim(`cli command ${cli.name}`, c.name);
    for (const e of c.events ?? []) claim(`event ${e}`, c.name);
  }
}
