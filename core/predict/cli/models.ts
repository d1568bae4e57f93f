import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK, UsageError } from '../../cli/command.js';
import { formatBytes, table } from '../../cli/output.js';
import type { ModelInfo } from '../../predict/types.js';

/** "labels a, b" for a classifier, "vector of 512 (l2)" for an embedding model. */
const outputOf = (m: ModelInfo) =>
  m.embedding ? `vector of ${m.embedding.length} (${m.embedding.normalisation})` : `labels ${m.labels.join(', ')}`;

function describe(m: ModelInfo): string {
  return `${m.name}@${m.version}${m.isDefault ? ' (default)' : ''}: ${m.task}, ${outputOf(m)}; input ${m.input.width}x${m.input.height} ${m.input.layout} ${m.input.colorOrder} ${m.input.resize}; sha256 ${m.sha256.slice(0, 16)}…`;
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: 'Manage models (prediction classifiers and embedding models): add <manifest.json>, list, remove <name>, default <name>',
  usage: 'models add <manifest.json> [--default] | models list | models remove <name> | models default <name>',
  help:
    '  add <manifest.json>  validate the model (names, shapes, label count or embedding length; float32 or float16)\n' +
    '                       and copy it into the library\n' +
    '    --default          also make it the default model\n' +
    '  list                 the models in the library (the built-in frame-quality model is always there)\n' +
    '  remove <name>        remove a model (segments it produced stay)\n' +
    '  default <name>       use this model when `predict` gets no --model\n' +
    'The manifest format is described in docs/models.md.',
  options: { default: { type: 'boolean' } },
  async run({ args, options, out, openCore }) {
    const [sub, ...rest] = args;
    if (sub === 'add') {
      if (rest.length !== 1) throw new UsageError('models add takes one manifest file');
      const core = await openCore();
      const m = await core.call('models.add', { manifestPath: rest[0]!, ...(options.default ? { setDefault: true } : {}) });
      out.result(m, () => `✓ added ${describe(m)}`);
      return EXIT_OK;
    }
    if (sub === 'list' || sub === undefined) {
      if (rest.length) throw new UsageError('models list takes no arguments');
      const core = await openCore();
      const models = await core.call('models.list', {});
      out.result(models, () =>
        table(
          ['name', 'version', 'task', 'labels / vector', 'input', 'size', 'default', 'builtin'],
          models.map((m) => [
            m.name,
            m.version,
            m.task,
            m.embedding ? `${m.embedding.length} values` : m.labels.join(','),
            `${m.input.width}x${m.input.height} ${m.input.layout}`,
            formatBytes(m.size),
            m.isDefault ? 'yes' : '',
            m.builtin ? 'yes' : '',
          ]),
        ),
      );
      return EXIT_OK;
    }
    if (sub === 'remove') {
      if (rest.length !== 1) throw new UsageError('models remove takes one model name');
      const core = await openCore();
      const r = await core.call('models.remove', { name: rest[0]! });
      out.result(r, () => `✓ removed ${r.removed}`);
      return EXIT_OK;
    }
    if (sub === 'default') {
      if (rest.length !== 1) throw new UsageError('models default takes one model name');
      const core = await openCore();
      const m = await core.call('models.setDefault', { name: rest[0]! });
      out.result(m, () => `✓ default model: ${m.name}@${m.version}`);
      return EXIT_OK;
    }
    throw new UsageError(`unknown models subcommand "${sub}" (use add, list, remove or default)`);
  },
};
