import { z } from 'zod';
import { command, defineCapability, type CommandTypes } from '../capability.js';
import { settingsCommand } from './cli/settings.js';
import { checkFolder } from './folders.js';
import { readSettings, validateSetting, writeSetting } from './store.js';

export const settingsCommands = {
  'settings.get': command(z.object({}).strict(), async (s): Promise<Record<string, unknown>> => readSettings(s.db.reader)),
  'settings.set': command(
    z.object({ key: z.string().min(1).max(100), value: z.unknown() }).strict(),
    async (s, input): Promise<Record<string, unknown>> => {
      const { key, value } = validateSetting(input.key, input.value);
      await writeSetting(s.db.writer, key, value);
      s.events.emit({ type: 'settings.changed', key, value });
      return readSettings(s.db.writer);
    },
  ),
  /** Whether files can be written into a folder (the export dialog's path field); nothing is created. */
  'settings.checkFolder': command(z.object({ path: z.string().min(1).max(4096) }).strict(), async (_s, input) => checkFolder(input.path)),
};

/** Typed library settings. */
export const settings = defineCapability({
  name: 'settings',
  commands: settingsCommands,
  cli: [settingsCommand],
  events: ['settings.changed'],
});

declare module '../capability.js' {
  interface CommandRegistry extends CommandTypes<typeof settingsCommands> {}
}
