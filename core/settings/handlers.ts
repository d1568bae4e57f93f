import type { PartialHandlers } from '../handlers.js';
import { checkFolder } from './folders.js';
import { readSettings, validateSetting, writeSetting } from './store.js';

export const settingsHandlers: PartialHandlers<'settings.get' | 'settings.set' | 'settings.checkFolder'> = {
  async 'settings.get'(core) {
    return readSettings(core.services.db.reader);
  },
  async 'settings.set'(core, input) {
    const { key, value } = validateSetting(input.key, input.value);
    await writeSetting(core.services.db.writer, key, value);
    core.services.events.emit({ type: 'settings.changed', key, value });
    return readSettings(core.services.db.writer);
  },
  async 'settings.checkFolder'(_core, input) {
    return checkFolder(input.path);
  },
};
