import type { LegacyCommandName as CommandName, CommandOutput, CommandInput } from './api/commands.js';
import type { Core } from './core.js';
import { libraryHandlers } from './library/handlers.js';
import { jobHandlers } from './jobs/handlers.js';
import { settingsHandlers } from './settings/handlers.js';
import { anonymizeHandlers } from './anonymize/handlers.js';
import { ocrHandlers } from './ocr/handlers.js';
import { predictHandlers } from './predict/handlers.js';
import { reviewHandlers } from './review/handlers.js';

export type Handler<N extends CommandName> = (core: Core, input: CommandInput<N>) => Promise<CommandOutput<N>>;
export type Handlers = { [N in CommandName]: Handler<N> };
export type PartialHandlers<K extends CommandName> = { [N in K]: Handler<N> };

/** Every command's implementation; the type makes sure none is missing. */
export const commandHandlers: Handlers = {
  ...libraryHandlers,
  ...jobHandlers,
  ...settingsHandlers,
  ...anonymizeHandlers,
  ...ocrHandlers,
  ...predictHandlers,
  ...reviewHandlers,
};
