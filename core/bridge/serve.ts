import path from 'node:path';
import { existsSync } from 'node:fs';
import type { CoreHandle as Core } from '../handle.js';
import { appRoot } from '../paths.js';
import { FramewiseError } from '../util/errors.js';
import type { Bridge } from './server.js';

export function defaultRendererDir(): string {
  return path.join(appRoot(), 'dist', 'renderer');
}

/** Browser mode on an open core (which should run jobs): serve the built app on 127.0.0.1. */
export async function serveCore(core: Core, opts: { port?: number; rendererDir?: string } = {}): Promise<Bridge> {
  const rendererDir = opts.rendererDir ?? defaultRendererDir();
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new FramewiseError(
      'not_found',
      `The app is not built: ${path.join(rendererDir, 'index.html')} is missing (run \`npm run build\`)`,
    );
  }
  // The WebSocket server (ws) is loaded only by `serve`, not by every other `framewise` command.
  const { startBridge } = await import('./server.js');
  return startBridge({ core, rendererDir, ...(opts.port !== undefined ? { port: opts.port } : {}) });
}
