import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ImportResult } from '../api/commands.js';
import type { CoreEvent } from '../events/types.js';
import { createRouter, parseWireMessage, toRemoteError, type CallTarget } from '../api/router.js';
import { planMediaResponse } from '../media/range.js';
import { parseMediaTarget, type MediaTarget } from '../media/targets.js';
import { FramewiseError } from '../util/errors.js';
import { authorize, cookieName, newToken, TOKEN_HEADER, TOKEN_QUERY, type AuthResult } from './auth.js';
import { htmlSecurityHeaders } from './csp.js';
import { resolveStatic } from './static.js';
import { receiveUpload, removeAbandonedUploadGroups, uploadGroupDir } from './upload.js';

/** What the bridge needs from the core. `Core` satisfies it. */
export interface BridgeCore extends CallTarget {
  subscribe(listener: (event: CoreEvent) => void): () => void;
  mediaPath(target: MediaTarget): Promise<{ path: string; contentType: string }>;
  readonly services: { dataDir: string };
}

export interface BridgeOptions {
  core: BridgeCore;
  /** Folder of the built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token (tests); default: 32 random bytes per start. */
  token?: string;
}

export interface Bridge {
  port: number;
  token: string;
  /** The URL to open: carries the token once (it is then moved into a cookie). */
  url: string;
  origin: string;
  close(): Promise<void>;
}

/** Wire protocol over the WebSocket (JSON text frames). */
export type ServerMessage =
  | { type: 'response'; id: number | string | null; ok: true; result: unknown }
  | { type: 'response'; id: number | string | null; ok: false; error: { code: string; message: string } }
  | { type: 'event'; event: CoreEvent };

const HOST = '127.0.0.1';

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
  res.end(text);
}

function refuse(res: ServerResponse, auth: Extract<AuthResult, { ok: false }>): void {
  res.writeHead(auth.status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(`${auth.status === 401 ? 'Unauthorized' : 'Forbidden'}: ${auth.reason}\n`);
}

/**
 * Browser mode: serves the built renderer, a WebSocket bridge to the core, library media with Range
 * support, and streamed uploads, on 127.0.0.1 only. See auth.ts for who may connect.
 */
export async function startBridge(opts: BridgeOptions): Promise<Bridge> {
  const { core } = opts;
  await removeAbandonedUploadGroups(core.services.dataDir);
  const token = opts.token ?? newToken();
  const router = createRouter(core);
  let port = 0;
  const sockets = new Set<WebSocket>();

  const authOf = (req: IncomingMessage, url: URL) =>
    authorize(
      {
        host: header(req, 'host'),
        origin: header(req, 'origin'),
        cookie: header(req, 'cookie'),
        headerToken: header(req, TOKEN_HEADER),
        queryToken: url.searchParams.get(TOKEN_QUERY),
      },
      { port, token },
    );

  async function serveMedia(req: IncomingMessage, res: ServerResponse, target: MediaTarget): Promise<void> {
    let file: { path: string; contentType: string };
    let size: number;
    try {
      file = await core.mediaPath(target);
      const st = await stat(file.path);
      if (!st.isFile()) throw new FramewiseError('not_found', 'not a file');
      size = st.size;
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    const plan = planMediaResponse({ size, contentType: file.contentType, range: header(req, 'range'), method: req.method });
    res.writeHead(plan.status, plan.headers);
    if (!plan.body) return void res.end();
    const stream = createReadStream(file.path, { start: plan.body.start, end: plan.body.end, highWaterMark: 1 << 20 });
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  }

  // An upload whose content is already in the library is not kept: its folder is removed once the import
  // job says "duplicate" (the library keeps using the file it already has).
  const uploadJobs = new Map<number, string>();
  const stopUploadCleanup = core.subscribe((event) => {
    if (event.type !== 'job.state' || !uploadJobs.has(event.job.id)) return;
    const { job } = event;
    if (job.state === 'queued' || job.state === 'running') return;
    const dir = uploadJobs.get(job.id)!;
    uploadJobs.delete(job.id);
    if (job.state === 'succeeded' && (job.output as { status?: string } | null)?.status === 'duplicate') {
      void rm(dir, { recursive: true, force: true }).catch(() => undefined);
    }
  });

  async function handleUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = url.searchParams.get('name');
    if (!name) return sendJson(res, 400, { error: { code: 'usage', message: 'Upload needs ?name=<file name>' } });
    try {
      const stored = await receiveUpload(req, core.services.dataDir, name);
      const result = (await core.call('videos.import', { paths: [stored] })) as ImportResult;
      for (const j of result.jobs) uploadJobs.set(j.jobId, path.dirname(stored));
      sendJson(res, 200, { name, storedPath: stored, result });
    } catch (err) {
      sendJson(res, 400, { name, error: toRemoteError(err) });
    }
  }

  /**
   * A bring-your-own model from the browser: its files are uploaded one by one into one group folder (the .onnx
   * first); the upload marked `add=1` is the manifest, which is then added through `models.add` (the model store
   * copies what it keeps). The group folder is removed afterwards, and on any failure; errors name the file the
   * user picked, not the upload folder.
   */
  async function handleModelUpload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const name = url.searchParams.get('name');
    const dir = uploadGroupDir(core.services.dataDir, url.searchParams.get('group'));
    if (!name || !dir) return sendJson(res, 400, { error: { code: 'usage', message: 'Model upload needs ?name=<file>&group=<16 hex>' } });
    const add = url.searchParams.get('add') === '1';
    // The group folder is gone before the answer leaves: a client (or test) that sees the model listed never
    // finds a stray copy of it outside the model store.
    try {
      const stored = await receiveUpload(req, core.services.dataDir, name, dir);
      if (!add) return sendJson(res, 200, { name });
      let model: unknown;
      try {
        model = await core.call('models.add', { manifestPath: stored, setDefault: url.searchParams.get('default') === '1' });
      } finally {
        await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      }
      sendJson(res, 200, { name, model });
    } catch (err) {
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      const remote = toRemoteError(err);
      sendJson(res, 400, { name, error: { ...remote, message: remote.message.split(dir + path.sep).join('') } });
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const auth = authOf(req, url);
    if (!auth.ok) return refuse(res, auth);
    const method = (req.method ?? 'GET').toUpperCase();

    if (url.pathname === '/api/upload') {
      if (method !== 'POST') return sendJson(res, 405, { error: { code: 'usage', message: 'POST only' } });
      return handleUpload(req, res, url);
    }
    if (url.pathname === '/api/upload-model') {
      if (method !== 'POST') return sendJson(res, 405, { error: { code: 'usage', message: 'POST only' } });
      return handleModelUpload(req, res, url);
    }
    if (method !== 'GET' && method !== 'HEAD') {
      res.writeHead(405);
      return void res.end();
    }
    if (url.pathname.startsWith('/media/')) {
      const target = parseMediaTarget(url.pathname.slice('/media/'.length));
      if (!target) {
        res.writeHead(404);
        return void res.end();
      }
      return serveMedia(req, res, target);
    }
    if ((url.pathname === '/' || url.pathname === '/index.html') && auth.via === 'query') {
      // First load: move the token into an HttpOnly cookie and drop it from the address bar.
      res.writeHead(303, {
        'Set-Cookie': `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        Location: '/',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer',
      });
      return void res.end();
    }
    const found = await resolveStatic(opts.rendererDir, url.pathname);
    if (!found) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      return void res.end('Not found\n');
    }
    const isHtml = found.contentType.startsWith('text/html');
    res.writeHead(200, {
      'Content-Type': found.contentType,
      'Content-Length': String(found.size),
      'X-Content-Type-Options': 'nosniff',
      ...(isHtml ? htmlSecurityHeaders(port) : { 'Cache-Control': 'no-cache', 'Cross-Origin-Resource-Policy': 'same-origin' }),
    });
    if (method === 'HEAD') return void res.end();
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendJson(res, 500, { error: toRemoteError(err) });
      else res.destroy();
    });
  });
  server.requestTimeout = 0; // uploads of large videos take long
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 << 20 });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const auth = authOf(req, url);
    if (url.pathname !== '/ws' || !auth.ok) {
      const status = !auth.ok ? auth.status : 404;
      socket.end(
        `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : 'Not Found'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      );
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    sockets.add(ws);
    const send = (msg: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
    };
    const unsubscribe = core.subscribe((event) => send({ type: 'event', event }));
    ws.on('message', (data, isBinary) => {
      if (isBinary)
        return send({ type: 'response', id: null, ok: false, error: { code: 'usage', message: 'Binary frames are not accepted' } });
      const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
      void router.handle(parseWireMessage(text)).then((r) => send({ type: 'response', ...r }));
    });
    ws.on('close', () => {
      unsubscribe();
      sockets.delete(ws);
    });
    ws.on('error', () => ws.terminate());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: HOST, port: opts.port ?? 0 }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  const origin = `http://${HOST}:${port}`;
  return {
    port,
    token,
    origin,
    url: `${origin}/?${TOKEN_QUERY}=${token}`,
    async close() {
      stopUploadCleanup();
      for (const ws of sockets) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
