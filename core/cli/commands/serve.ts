import { serveCore } from '../../bridge/serve.js';
import type { CliCommand } from '../command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../command.js';

/** How long stopping may take before the server exits anyway (see `forceExit`). */
const SHUTDOWN_GRACE_MS = 20_000;

// Test hooks, honoured only with FRAMEWISE_TEST_HOOKS=1 (test/cli/serve-stop.test.ts): a stop that takes this long
// (as with a job slow to honour its abort), and a shorter grace time.
const testHook = (name: string): number | null =>
  process.env.FRAMEWISE_TEST_HOOKS === '1' && process.env[name] ? Number(process.env[name]) : null;
const shutdownGraceMs = () => testHook('FRAMEWISE_TEST_SHUTDOWN_GRACE_MS') ?? SHUTDOWN_GRACE_MS;
const testHookSlowStop = async () => {
  const ms = testHook('FRAMEWISE_TEST_SLOW_STOP_MS');
  if (ms) await new Promise((resolve) => setTimeout(resolve, ms));
};

function intOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${String(value)}"`);
  return n;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Run the app in the browser: serve it on 127.0.0.1 with jobs running, print the URL to open',
  usage: 'serve [--port N] [--concurrency N]',
  help: `Options:
  --port N          port on 127.0.0.1 (default: a free one)
  --concurrency N   jobs run at once (default: the jobConcurrency setting, else cores − 1)

Only this computer can connect, and only with the URL's token, which changes at every start. The page
moves the token into a cookie; keep the URL private. Stop with Ctrl+C.`,
  options: { port: { type: 'string' }, concurrency: { type: 'string' } },
  async run({ options, out, openCore }) {
    const port = intOption(options.port, 'port', 0, 65535) ?? 0;
    const concurrency = intOption(options.concurrency, 'concurrency', 1, 64);
    const core = await openCore({ runJobs: true, ...(concurrency ? { concurrency } : {}) });
    const bridge = await serveCore(core, { port });
    // Listening before the URL is printed: a first listener takes Node a moment to install, and a stop sent by
    // whoever read the URL (a test, a supervisor) in that moment would kill the process without stopping its jobs.
    const stopRequested = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    out.result({ url: bridge.url, port: bridge.port, dataDir: core.services.dataDir }, () =>
      [`Framewise is serving the library ${core.services.dataDir}`, `Open: ${bridge.url}`, 'Press Ctrl+C to stop.'].join('\n'),
    );
    await stopRequested;
    out.info('Stopping…');
    // Stopping waits for the running jobs to honour their abort and for the library to close. Past the grace time,
    // or at a second Ctrl+C, the process exits anyway: the next start re-queues what was running and removes its
    // partial outputs (core/jobs/recovery.ts, core/jobs/partial-outputs.ts), so nothing is lost, and a stuck job never keeps the server alive.
    const forceExit = (why: string) => {
      const jobs = core.services.runner?.runningJobs() ?? [];
      out.error(
        `Stopping ${why}; exiting now.${jobs.length ? ` Still running: ${jobs.map((j) => `${j.kind} #${j.id}`).join(', ')}.` : ''}`,
      );
      process.exit(EXIT_FAILURE);
    };
    const grace = shutdownGraceMs();
    setTimeout(() => forceExit(`took over ${grace / 1000} s`), grace).unref();
    process.once('SIGINT', () => forceExit('was interrupted again'));
    process.once('SIGTERM', () => forceExit('was interrupted again'));
    await testHookSlowStop();
    await bridge.close();
    return EXIT_OK;
  },
};
