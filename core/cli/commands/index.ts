import type { Capability } from '../../capability.js';
import { capabilities } from '../../capabilities.js';
import type { CliCommand } from '../command.js';
import { serveCommand } from './serve.js';

/** Every CLI command: each capability's (in the order of `core/capabilities.ts`), then `serve`. */
export const cliCommands: CliCommand[] = [...(capabilities as readonly Capability[]).flatMap((c) => c.cli ?? []), serveCommand];
