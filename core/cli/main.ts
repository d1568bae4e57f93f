import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { Core, type CoreOptions } from '../core.js';
import { appRoot, resolveDataDir } from '../paths.js';
import { FramewiseError, serializeError } from '../util/errors.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE, UsageError, type CliCommand } from './command.js';
import { cliCommands } from './commands/index.js';
import { Output } from './output.js';

const globalOptions: NonNullable<ParseArgsConfig['options']> = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  ffmpeg: { type: 'string' },
  ffprobe: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
};

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function helpText(commands: CliCommand[] = cliCommands): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `framewise ${version()} — offline video processing (library, jobs, prediction, OCR, anonymization)

Usage: framewise <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

Options for every command:
  --data-dir <dir>   the library folder (default: $FRAMEWISE_DATA_DIR, else the per-user app-data folder)
  --json             machine-readable output on stdout (nothing else is written to stdout)
  --ffmpeg <path>    use this ffmpeg (also $FRAMEWISE_FFMPEG); --ffprobe <path> likewise
  -h, --help         help for a command: framewise <command> --help

Exit codes: 0 ok, 1 failure (e.g. a file failed to import, a job failed), 2 usage error.
Example: framewise --data-dir ./lib import ~/Videos --json`;
}

function commandHelp(c: CliCommand): string {
  return `Usage: framewise ${c.usage}\n\n${c.summary}.${c.help ? `\n\n${c.help}` : ''}\n\nAlso: --data-dir <dir>, --json, --ffmpeg <path>, --ffprobe <path>`;
}

/** Index of the command name: the first positional, skipping the values of global options. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') return i + 1 < argv.length ? i + 1 : -1;
    if (a.startsWith('-')) {
      const key = a.replace(/^-+/, '').split('=')[0]!;
      if (!a.includes('=') && globalOptions[key]?.type === 'string') i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** Run the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const nameIndex = commandIndex(argv);
  const name = nameIndex >= 0 ? argv[nameIndex] : undefined;
  const command = name ? cliCommands.find((c) => c.name === name) : undefined;
  const wantsJson = argv.includes('--json');
  const out = new Output(wantsJson);
  if (!name) {
    if (argv.includes('--version') || argv.includes('-v')) {
      process.stdout.write(`${version()}\n`);
      return EXIT_OK;
    }
    process.stdout.write(helpText() + '\n');
    return argv.includes('--help') || argv.includes('-h') ? EXIT_OK : EXIT_USAGE;
  }
  if (!command) {
    out.error(`unknown command "${name}". Run framewise --help for the list.`);
    return EXIT_USAGE;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv.filter((_, i) => i !== nameIndex),
      options: { ...globalOptions, ...(command.options ?? {}) },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    out.error(`${(err as Error).message}\n${commandHelp(command)}`);
    return EXIT_USAGE;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(commandHelp(command) + '\n');
    return EXIT_OK;
  }
  const opts: Record<string, unknown> = { ...values };
  for (const k of Object.keys(globalOptions)) delete opts[k];
  let core: Core | null = null;
  const base: CoreOptions = {
    dataDir: resolveDataDir(values['data-dir'] as string | undefined),
    identity: { role: command.name === 'serve' ? 'serve' : 'cli', label: `framewise ${command.name}` },
    ...(values.ffmpeg ? { ffmpegPath: values.ffmpeg as string } : {}),
    ...(values.ffprobe ? { ffprobePath: values.ffprobe as string } : {}),
  };
  try {
    return await command.run({
      args: positionals,
      options: opts as Record<string, string | boolean | string[] | boolean[] | undefined>,
      json: Boolean(values.json),
      out,
      openCore: async (extra = {}) => {
        core ??= await Core.open({ ...base, ...extra }).catch((err: unknown) => {
          if (!command.readsOnly || !(err instanceof FramewiseError) || err.code !== 'disk_full') throw err;
          // A full library disk: reading still works (nothing is reaped, no job runs, nothing is written).
          out.info(`warning: ${err.message}; the library is opened read-only`);
          return Core.open({ ...base, ...extra, runJobs: false, readOnly: true });
        });
        return core;
      },
    });
  } catch (err) {
    if (err instanceof UsageError) {
      out.error(`${err.message}\n${commandHelp(command)}`);
      return EXIT_USAGE;
    }
    const e = serializeError(err);
    if (wantsJson) process.stdout.write(JSON.stringify({ error: e }, null, 2) + '\n');
    out.error(e.message);
    return err instanceof FramewiseError && err.code === 'usage' ? EXIT_USAGE : EXIT_FAILURE;
  } finally {
    if (core) await (core as Core).close();
  }
}
