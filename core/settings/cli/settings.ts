import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK } from '../../cli/command.js';
import { UsageError } from '../../cli/command.js';

export const settingsCommand: CliCommand = {
  name: 'settings',
  summary: 'Show or change library settings',
  usage: 'settings [<key> [<value>]]   (value is JSON, or a plain string)',
  async run({ args, out, openCore }) {
    const core = await openCore();
    if (args.length === 0) {
      const s = await core.call('settings.get', {});
      out.result(s, () =>
        Object.entries(s)
          .map(([k, v]) => `${k} = ${JSON.stringify(v)}`)
          .join('\n'),
      );
      return EXIT_OK;
    }
    if (args.length === 1) {
      const s = await core.call('settings.get', {});
      if (!(args[0]! in s)) throw new UsageError(`unknown setting ${args[0]}; known: ${Object.keys(s).join(', ')}`);
      out.result({ [args[0]!]: s[args[0]!] }, () => JSON.stringify(s[args[0]!]));
      return EXIT_OK;
    }
    if (args.length > 2) throw new UsageError('settings takes a key and one value');
    let value: unknown = args[1];
    try {
      value = JSON.parse(args[1]!);
    } catch {
      /* a plain string */
    }
    const s = await core.call('settings.set', { key: args[0]!, value });
    out.result(s, () => `${args[0]} = ${JSON.stringify(s[args[0]!])}`);
    return EXIT_OK;
  },
};
