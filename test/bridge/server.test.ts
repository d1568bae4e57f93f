import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync, rmSync, existsSync, utimesSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startBridge } from '../../core/bridge/server.js';
import { cookieName, tokensEqual } from '../../core/bridge/auth.js';
import { openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { rawRequest, tryWebSocket, wsCall } from '../helpers/http.js';

async function setup(t: import('node:test').TestContext) {
  const lib = await openTempCore();
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'framewise-renderer-'));
  writeFileSync(
    path.join(rendererDir, 'index.html'),
    '<!doctype html><title>Framewise</title><script type="module" src="./app.js"></script>',
  );
  writeFileSync(path.join(rendererDir, 'app.js'), 'console.log(1)');
  const bridge = await startBridge({ core: lib.core, rendererDir });
  t.after(async () => {
    await bridge.close();
    await lib.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });
  const cookie = `${cookieName(bridge.port)}=${bridge.token}`;
  return { lib, bridge, cookie, rendererDir };
}

test('tokensEqual is exact', () => {
  assert.equal(tokensEqual('abc', 'abc'), true);
  assert.equal(tokensEqual('abd', 'abc'), false);
  assert.equal(tokensEqual('ab', 'abc'), false);
  assert.equal(tokensEqual('', 'abc'), false);
});

test(
  'bridge: listens on 127.0.0.1 with a random token; the first load moves the token into an HttpOnly SameSite=Strict cookie',
  { timeout: 120_000 },
  async (t) => {
    const { bridge, cookie } = await setup(t);
    assert.match(bridge.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const first = await rawRequest({ port: bridge.port, path: `/?token=${bridge.token}` });
    assert.equal(first.status, 303);
    assert.equal(first.headers.location, '/');
    const setCookie = String(first.headers['set-cookie']);
    assert.match(setCookie, new RegExp(`^${cookieName(bridge.port)}=${bridge.token};`));
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);

    const page = await rawRequest({ port: bridge.port, path: '/', headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.body.toString(), /<title>Framewise<\/title>/);
    const csp = String(page.headers['content-security-policy']);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');

    // The header works for non-browser clients; `localhost` is the other allowed Host.
    const viaHeader = await rawRequest({
      port: bridge.port,
      path: '/app.js',
      headers: { 'x-framewise-token': bridge.token, host: `localhost:${bridge.port}` },
    });
    assert.equal(viaHeader.status, 200);
    // No path escapes the renderer folder.
    const escape = await rawRequest({ port: bridge.port, path: '/..%2F..%2F..%2Fetc%2Fpasswd', headers: { cookie } });
    assert.equal(escape.status, 404);
  },
);

test(
  'bridge refuses a missing token, a wrong token, a foreign Host and a foreign Origin (HTTP and WebSocket)',
  { timeout: 120_000 },
  async (t) => {
    const { bridge, cookie } = await setup(t);
    const port = bridge.port;
    const wrongCookie = `${cookieName(port)}=${bridge.token.slice(0, -2)}xx`;
    const cases: Array<[string, Record<string, string>, string, number]> = [
      ['missing token', {}, '/', 401],
      ['wrong token (query)', {}, '/?token=nope', 401],
      ['wrong token (cookie)', { cookie: wrongCookie }, '/', 401],
      ['wrong token (header)', { 'x-framewise-token': 'x'.repeat(43) }, '/', 401],
      ['foreign Host (DNS rebinding)', { cookie, host: `evil.example:${port}` }, '/', 403],
      ['foreign Host (other port)', { cookie, host: `127.0.0.1:${port + 1}` }, '/', 403],
      ['foreign Origin', { cookie, origin: 'http://evil.example' }, '/', 403],
      ['foreign Origin on media', { cookie, origin: 'https://example.org' }, '/media/video/1', 403],
      ['missing token on media', {}, '/media/video/1', 401],
      ['missing token on upload', {}, '/api/upload?name=a.mp4', 401],
    ];
    for (const [name, headers, p, status] of cases) {
      const res = await rawRequest({
        port,
        path: p,
        headers,
        method: p.startsWith('/api/upload') ? 'POST' : 'GET',
        ...(p.startsWith('/api/upload') ? { body: 'x' } : {}),
      });
      assert.equal(res.status, status, name);
      assert.equal(res.headers['set-cookie'], undefined, name);
    }
    const ws = `ws://127.0.0.1:${port}/ws`;
    const origin = `http://127.0.0.1:${port}`;
    assert.deepEqual(await tryWebSocket(ws, {}, origin), { open: false, status: 401 }, 'ws without token');
    assert.deepEqual(await tryWebSocket(ws, { cookie: wrongCookie }, origin), { open: false, status: 401 }, 'ws wrong token');
    assert.deepEqual(await tryWebSocket(`${ws}?token=wrong`, {}, origin), { open: false, status: 401 }, 'ws wrong query token');
    assert.deepEqual(await tryWebSocket(ws, { cookie }, 'http://evil.example'), { open: false, status: 403 }, 'ws foreign origin');
    assert.deepEqual(
      await tryWebSocket(ws, { cookie, host: `evil.example:${port}` }, origin),
      { open: false, status: 403 },
      'ws foreign host',
    );
    const good = await tryWebSocket(ws, { cookie }, origin);
    assert.equal(good.open, true);
    if (good.open) good.ws.close();
  },
);

test('bridge: WebSocket calls go through the router and events are pushed; media is served with Range', { timeout: 120_000 }, async (t) => {
  const { lib, bridge, cookie } = await setup(t);
  const conn = await tryWebSocket(`ws://127.0.0.1:${bridge.port}/ws`, { cookie }, bridge.origin);
  assert.ok(conn.open);
  const ws = conn.ws;
  t.after(() => ws.close());
  const events: Array<{ type: string }> = [];
  let resolveAdded: () => void = () => undefined;
  const sawVideoAdded = new Promise<void>((r) => (resolveAdded = r));
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; event?: { type: string } };
    if (m.type === 'event' && m.event) {
      events.push(m.event);
      if (m.event.type === 'video.added') resolveAdded();
    }
  });
  const file = await media.mp4(2);
  const imported = await wsCall(ws, 1, 'videos.import', { paths: [file] });
  assert.equal(imported.ok, true);
  const jobId = (imported.result as { jobs: Array<{ jobId: number }> }).jobs[0]!.jobId;
  const done = await lib.core.services.jobs.waitFor(jobId, 60_000);
  assert.equal(done.state, 'succeeded');
  const videoId = (done.output as { videoId: number }).videoId;
  const bad = await wsCall(ws, 2, 'videos.get', { video: 'no such video' });
  assert.equal(bad.ok, false);
  assert.equal(bad.error!.code, 'not_found');
  // Events of the import reached this socket.
  await sawVideoAdded;
  assert.ok(events.some((e) => e.type === 'job.state'));

  const bytes = await readFile(file);
  const full = await rawRequest({ port: bridge.port, path: `/media/video/${videoId}`, headers: { cookie } });
  assert.equal(full.status, 200);
  assert.equal(full.headers['accept-ranges'], 'bytes');
  assert.ok(full.body.equals(bytes));
  const part = await rawRequest({ port: bridge.port, path: `/media/video/${videoId}`, headers: { cookie, range: 'bytes=100-199' } });
  assert.equal(part.status, 206);
  assert.equal(part.headers['content-range'], `bytes 100-199/${bytes.length}`);
  assert.ok(part.body.equals(bytes.subarray(100, 200)));
  const unsat = await rawRequest({
    port: bridge.port,
    path: `/media/video/${videoId}`,
    headers: { cookie, range: `bytes=${bytes.length + 5}-` },
  });
  assert.equal(unsat.status, 416);
  const other = await rawRequest({ port: bridge.port, path: `/media/video/${videoId + 50}`, headers: { cookie } });
  assert.equal(other.status, 404);
  const traversal = await rawRequest({ port: bridge.port, path: '/media/video/..%2F..%2Fetc%2Fpasswd', headers: { cookie } });
  assert.equal(traversal.status, 404);
});

test('bridge: uploads are streamed into <dataDir>/uploads and imported', { timeout: 120_000 }, async (t) => {
  const { lib, bridge, cookie } = await setup(t);
  const file = await media.webm(2);
  const body = await readFile(file);
  const res = await rawRequest({
    port: bridge.port,
    path: `/api/upload?name=${encodeURIComponent('../../sneaky name.webm')}`,
    method: 'POST',
    headers: { cookie, 'content-type': 'application/octet-stream' },
    body,
  });
  assert.equal(res.status, 200, res.body.toString());
  const out = JSON.parse(res.body.toString()) as { storedPath: string; result: { jobs: Array<{ jobId: number }> } };
  assert.ok(out.storedPath.startsWith(path.join(lib.dataDir, 'uploads') + path.sep), out.storedPath);
  assert.equal(path.basename(out.storedPath), 'sneaky name.webm');
  assert.ok(existsSync(out.storedPath));
  assert.ok((await readFile(out.storedPath)).equals(body));
  const job = await lib.core.services.jobs.waitFor(out.result.jobs[0]!.jobId, 60_000);
  assert.equal(job.state, 'succeeded');
  const list = await lib.core.call('videos.list', {});
  assert.equal(list.videos[0]!.name, 'sneaky name.webm');
  // The same content again: imported as a duplicate, and the second upload's folder is removed.
  let resolveGone: () => void = () => undefined;
  const gone = new Promise<void>((r) => (resolveGone = r));
  const again = await rawRequest({ port: bridge.port, path: '/api/upload?name=again.webm', method: 'POST', headers: { cookie }, body });
  const out2 = JSON.parse(again.body.toString()) as { storedPath: string; result: { jobs: Array<{ jobId: number }> } };
  const job2 = await lib.core.services.jobs.waitFor(out2.result.jobs[0]!.jobId, 60_000);
  assert.equal((job2.output as { status: string }).status, 'duplicate');
  const poll = () => (existsSync(path.dirname(out2.storedPath)) ? setImmediate(poll) : resolveGone());
  poll();
  await gone;
  assert.ok(existsSync(out.storedPath), 'the first upload (the library copy) stays');
  const noName = await rawRequest({ port: bridge.port, path: '/api/upload', method: 'POST', headers: { cookie }, body: 'x' });
  assert.equal(noName.status, 400);
});

test('bridge: a model upload whose manifest never came is removed at the next start, once an hour old', { timeout: 120_000 }, async (t) => {
  const lib = await openTempCore();
  t.after(() => lib.close());
  const uploads = path.join(lib.dataDir, 'uploads');
  const stale = path.join(uploads, 'group-0123456789abcdef');
  const fresh = path.join(uploads, 'group-fedcba9876543210');
  const other = path.join(uploads, 'a1b2c3d4e5f60718');
  for (const d of [stale, fresh, other]) {
    mkdirSync(d, { recursive: true });
    writeFileSync(path.join(d, 'model.onnx'), 'x');
  }
  const hourAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(stale, hourAgo, hourAgo);
  utimesSync(other, hourAgo, hourAgo);
  const rendererDir = mkdtempSync(path.join(os.tmpdir(), 'framewise-renderer-'));
  writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>Framewise</title>');
  const bridge = await startBridge({ core: lib.core, rendererDir });
  t.after(async () => {
    await bridge.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });
  assert.equal(existsSync(stale), false, 'the abandoned model upload is gone');
  assert.equal(existsSync(fresh), true, 'an upload that may still be in progress stays');
  assert.equal(existsSync(other), true, 'imported uploads (library files) are never touched');
});
