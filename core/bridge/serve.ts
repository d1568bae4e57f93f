import path from 'node:path';
import { existsSync } from 'node:fs';
import { Core } from '../core.js';
import { appRoot } from '../paths.js';
import { FramewiseError } from '../util/errors.js';
import { startBridge, type Bridge } from './server.js';

export interface ServeOptions {
  dataDir?: string;
  port?: number;
  concurrency?: number;
  rendererDir?: string;
}

export function defaultRendererDir(): string {
  return path.join(appRoot(), 'dist', 'renderer');
}

/** Browser mode: open the library with jobs running and serve the app on 127.0.0.1. */
export async function serve(opts: ServeOptions = {}): Promise<{ core: Core; bridge: Bridge; close: () => Promise<void> }> {
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new FramewiseError('not_found', `The app is not built: ${path.join(rendererDir, 'index.html')} is missing (run \`npm run build\`)`);
  }
  const core = await Core.open({ runJobs: true, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), ...(opts.concurrency ? { concurrency: opts.concurrency } : {}) });
  try {
    const bridge = await startBridge({ core, rendererDir, ...(opts.port !== undefined ? { port: opts.port } : {}) });
    return {
      core,
      bridge,
      close: async () => {
        await bridge.close();
        await core.close();
      },
    };
  } catch (err) {
    await core.close();
    throw err;
  }
}
