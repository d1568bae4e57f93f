import { parseArgs } from 'node:util';
import { serve } from '../../bridge/serve.js';

export const serveHelp = `framewise serve [--data-dir DIR] [--port N] [--concurrency N]

Open the library with jobs running and serve the app in the browser on 127.0.0.1 only.
Prints the URL to open; it carries a random token that changes at every start.`;

/** `framewise serve`: runs until SIGINT/SIGTERM. Returns the exit code. */
export async function runServe(argv: string[], out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      concurrency: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    out(serveHelp);
    return 0;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got "${values.port}"`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new Error(`--concurrency must be a positive integer`);
  const server = await serve({
    port,
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
  out(`Framewise is running for library ${server.core.services.dataDir}`);
  out(`Open: ${server.bridge.url}`);
  out('Press Ctrl+C to stop.');
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  return 0;
}
