import { serveCore } from '../../bridge/serve.js';
import type { CliCommand } from '../command.js';
import { EXIT_OK, UsageError } from '../command.js';

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
    out.result({ url: bridge.url, port: bridge.port, dataDir: core.services.dataDir }, () =>
      [`Framewise is serving the library ${core.services.dataDir}`, `Open: ${bridge.url}`, 'Press Ctrl+C to stop.'].join('\n'),
    );
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    out.info('Stopping…');
    await bridge.close();
    return EXIT_OK;
  },
};
