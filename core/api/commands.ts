import {
  checkCapabilities,
  type Capability,
  type CommandDef,
  type CommandName,
  type CommandRegistry,
  type CommandTypes,
} from '../capability.js';
import { capabilities } from '../capabilities.js';

/**
 * The core's command contract, composed from `core/capabilities.ts`: name → input schema (validated at the
 * boundary by `Core.call`) and handler. The CLI, the WebSocket bridge and Electron IPC all dispatch through
 * `Core.call`, so every transport gets the same validation. Nothing is listed here: a capability brings its own.
 */
export type { CommandInput, CommandName, CommandOutput } from '../capability.js';
export type { ImportResult, LibraryInfo } from '../library/types.js';
export type { PatientData } from '../ocr/commands.js';
/** Re-exported so that every user of the command types also loads each capability's `declare module`. */
export { capabilities };

/** The commands of every capability in the list, as one type (an intersection). */
type Each<T extends readonly Capability[]> = T[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Composed = UnionToIntersection<CommandTypes<Each<typeof capabilities>['commands']>>;

/**
 * Compile-time check: the command registry (each capability's `declare module` in its index.ts) names exactly
 * the commands of the capability list. A capability missing from either fails here.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const registryMatchesList: Same<keyof CommandRegistry, keyof Composed> = true;
void registryMatchesList;

const commandMap: Record<string, CommandDef> = Object.assign(
  {},
  ...(capabilities as readonly Capability[]).map((c) => c.commands),
) as Record<string, CommandDef>;
checkCapabilities(capabilities, { cli: ['serve'] });

export const commandNames = Object.keys(commandMap) as CommandName[];

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commandMap, name);
}

/** The definition (input schema + handler) of a command. */
export function commandDef(name: CommandName): CommandDef {
  return commandMap[name]!;
}
