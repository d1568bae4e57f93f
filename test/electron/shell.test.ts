import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { createRouter } from '../../core/api/router.js';
import { handleMediaRequest } from '../../core/media/web-handler.js';
import { handleAppRequest } from '../../electron/app-protocol.js';
import {
  allowNavigation,
  allowPermission,
  APP_ENTRY,
  CONTENT_SECURITY_POLICY,
  IPC_CALL,
  IPC_EVENT,
  isTrustedSenderUrl,
  mainWindowOptions,
  MEDIA_SCHEME,
} from '../../electron/security.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { readBuilderConfig } from './builder-config.js';

const PRELOAD_SOURCE = path.join(REPO_ROOT, 'electron', 'preload.cts');

/**
 * The preload as the Electron build emits it (CommonJS). It is compiled here from its source with the project's
 * settings, because the Electron-typed files are built only once desktop/ is installed (`npm start`).
 */
function compiledPreload(): string {
  const ts = createRequire(import.meta.url)('typescript') as typeof import('typescript');
  const out = ts.transpileModule(readFileSync(PRELOAD_SOURCE, 'utf8'), {
    fileName: PRELOAD_SOURCE,
    compilerOptions: { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022 },
  });
  return out.outputText;
}

test('window options: isolated, sandboxed, no Node integration, web security on, no drag-drop navigation', () => {
  const o = mainWindowOptions('/app/preload.cjs', true);
  assert.deepEqual(o.webPreferences, {
    preload: '/app/preload.cjs',
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  });
  assert.equal(o.show, false);
  assert.notEqual(mainWindowOptions('/p', false).backgroundColor, o.backgroundColor, 'background follows the OS theme');
});

test('CSP, navigation, permissions and IPC sender checks', () => {
  assert.match(CONTENT_SECURITY_POLICY, /default-src 'none'/);
  assert.match(CONTENT_SECURITY_POLICY, /script-src 'self';/);
  assert.match(CONTENT_SECURITY_POLICY, /media-src framewise-media:;/);
  assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-|\*|http:|https:/);
  for (const url of ['https://example.org', 'file:///etc/passwd', APP_ENTRY, 'framewise-app://app/other.html'])
    assert.equal(allowNavigation(url), false, url);
  for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'fileSystem'])
    assert.equal(allowPermission(p), false, p);
  assert.equal(isTrustedSenderUrl(APP_ENTRY), true);
  assert.equal(isTrustedSenderUrl('framewise-app://app/index.html#/video/3'), true);
  for (const url of [
    undefined,
    '',
    'file:///work/dist/renderer/index.html',
    'http://127.0.0.1:5173/',
    'framewise-app://evil/index.html',
    'framewise-app://user:pw@app/index.html',
    'framewise-media://video/1',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
  ]) {
    assert.equal(isTrustedSenderUrl(url), false, String(url));
  }
});

test(
  'preload: CommonJS that requires only electron, exposes only the typed client, and reaches the real core',
  { timeout: 120_000 },
  async (t) => {
    const source = compiledPreload();
    const required = [...source.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(required)], ['electron'], 'a sandboxed preload can require nothing else');
    assert.doesNotMatch(source, /^\s*(import|export)\s/m, 'CommonJS, not ESM');

    const lib = await openTempCore();
    t.after(() => lib.close());
    const router = createRouter(lib.core);
    const exposed = new Map<string, unknown>();
    const rendererListeners = new Map<string, (e: unknown, data: unknown) => void>();
    const invoked: string[] = [];
    // The real preload runs against an `electron` module whose IPC goes straight to the real router.
    const electronForPreload = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
      ipcRenderer: {
        invoke: async (channel: string, message: unknown) => {
          invoked.push(channel);
          return router.handle(message);
        },
        on: (channel: string, fn: (e: unknown, data: unknown) => void) => rendererListeners.set(channel, fn),
      },
      webUtils: { getPathForFile: (f: { path: string }) => f.path },
    };
    const module = { exports: {} };
    vm.runInNewContext(source, {
      require: (name: string) => {
        if (name !== 'electron') throw new Error(`preload required ${name}`);
        return electronForPreload;
      },
      module,
      exports: module.exports,
      Set,
      JSON,
      Math,
      Number,
      Error,
      Promise,
    });
    assert.deepEqual([...exposed.keys()], ['framewise']);
    const api = exposed.get('framewise') as {
      transport: string;
      call(m: string, p: unknown): Promise<unknown>;
      subscribe(l: (e: unknown) => void): () => void;
      mediaUrl(t: { kind: string; id: number }): string;
      pathForFile(f: unknown): string;
    };
    assert.deepEqual(Object.keys(api).sort(), ['call', 'mediaUrl', 'pathForFile', 'pickFile', 'pickFolder', 'subscribe', 'transport']);
    assert.deepEqual([...rendererListeners.keys()], [IPC_EVENT]);

    const file = await media.mp4(2);
    const imported = (await api.call('videos.import', { paths: [file] })) as { jobs: Array<{ jobId: number }> };
    assert.deepEqual(invoked, [IPC_CALL]);
    const done = await lib.core.services.jobs.waitFor(imported.jobs[0]!.jobId, 60_000);
    const videoId = (done.output as { videoId: number }).videoId;
    // Errors cross contextBridge as Error(JSON {code, message}) — the renderer's ipc transport parses it.
    await assert.rejects(api.call('videos.get', { video: 12345 }), (err: Error) => {
      assert.deepEqual(JSON.parse(err.message), { code: 'not_found', message: 'No video with id 12345' });
      return true;
    });
    // Core events pushed by main on IPC_EVENT reach subscribers.
    const seen: unknown[] = [];
    const off = api.subscribe((e) => seen.push(e));
    rendererListeners.get(IPC_EVENT)!({}, { type: 'video.removed', videoId: 1 });
    off();
    rendererListeners.get(IPC_EVENT)!({}, { type: 'video.removed', videoId: 2 });
    assert.deepEqual(seen, [{ type: 'video.removed', videoId: 1 }]);
    assert.equal(api.pathForFile({ path: '/x/y.mp4' }), '/x/y.mp4');

    // The media URL the preload hands out is answered by the protocol handler (Range included).
    const url = api.mediaUrl({ kind: 'video', id: videoId });
    assert.equal(url, `${MEDIA_SCHEME}://video/${videoId}`);
    const res = await handleMediaRequest(new Request(url, { headers: { range: 'bytes=0-9' } }), (target) => lib.core.mediaPath(target));
    assert.equal(res.status, 206);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(readFileSync(file).subarray(0, 10)));
    assert.equal(
      api.mediaUrl({ kind: 'artifact; rm -rf', id: 1.9 }),
      `${MEDIA_SCHEME}://video/1`,
      'nothing but kind/id gets into a media URL',
    );
  },
);

test('app protocol serves the built renderer with the CSP, and nothing outside it', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-app-proto-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
  const ok = await handleAppRequest(new Request(APP_ENTRY), dir);
  assert.equal(ok.status, 200);
  assert.equal(ok.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
  assert.equal(ok.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(await ok.text(), '<!doctype html><title>x</title>');
  for (const url of ['framewise-app://app/..%2F..%2Fetc%2Fpasswd', 'framewise-app://other/index.html', 'framewise-app://app/missing.js']) {
    assert.equal((await handleAppRequest(new Request(url), dir)).status, 404, url);
  }
  assert.equal((await handleAppRequest(new Request(APP_ENTRY, { method: 'POST', body: 'x' }), dir)).status, 405);
});

test('electron-builder config: AppImage + deb, NSIS, dmg; onnxruntime and better-sqlite3 unpacked; icons exist', () => {
  const cfg = readBuilderConfig<{
    appId: string;
    asarUnpack: string[];
    files: string[];
    linux: { target: string[]; icon: string };
    win: { target: string[]; icon: string };
    mac: { target: string[]; icon: string };
    extraMetadata: { main: string };
  }>();
  assert.match(cfg.appId, /^[a-z]+(\.[a-z]+)+$/);
  assert.deepEqual(cfg.linux.target, ['AppImage', 'deb']);
  assert.deepEqual(cfg.win.target, ['nsis']);
  assert.deepEqual(cfg.mac.target, ['dmg']);
  for (const p of ['node_modules/onnxruntime-node/bin/**', 'node_modules/better-sqlite3/**']) {
    assert.ok(cfg.asarUnpack.includes(p), p);
  }
  assert.equal(cfg.extraMetadata.main, 'dist/electron/main.js');
  for (const f of ['dist/electron/**', 'dist/core/**', 'dist/renderer/**', 'resources/profiles/**']) assert.ok(cfg.files.includes(f), f);
  for (const icon of [cfg.win.icon, cfg.mac.icon, path.join(cfg.linux.icon, '512x512.png'), path.join(cfg.linux.icon, '256x256.png')]) {
    const png = readFileSync(path.join(REPO_ROOT, icon));
    assert.equal(png.subarray(1, 4).toString(), 'PNG', icon);
    assert.ok(png.readUInt32BE(16) >= 256, `${icon} is at least 256 px`);
  }
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { main: string; scripts: Record<string, string> };
  assert.equal(pkg.main, 'dist/electron/main.js');
  assert.equal(pkg.scripts.start, 'node scripts/start.mjs');
  assert.ok(existsSync(path.join(REPO_ROOT, 'scripts', 'start.mjs')));
});

test(
  'core host (the utility process entry) answers calls, media lookups and pushes events over its port',
  { timeout: 120_000 },
  async (t) => {
    const { runCoreHost } = await import('../../electron/core-host-main.js');
    const { MessageChannel } = await import('node:worker_threads');
    const { tempDir } = await import('../helpers/library.js');
    const lib = tempDir('framewise-host-');
    t.after(() => lib.cleanup());
    const channel = new MessageChannel();
    const received: Array<Record<string, unknown>> = [];
    const waiters: Array<{ match: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }> = [];
    channel.port1.on('message', (m: Record<string, unknown>) => {
      received.push(m);
      for (const w of [...waiters]) {
        if (!w.match(m)) continue;
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    });
    const next = (match: (m: Record<string, unknown>) => boolean) =>
      new Promise<Record<string, unknown>>((resolve) => {
        const found = received.find(match);
        if (found) resolve(found);
        else waiters.push({ match, resolve });
      });
    let exitCode: number | null = null;
    const core = await runCoreHost(
      { post: (m) => channel.port2.postMessage(m), onMessage: (l) => channel.port2.on('message', l) },
      { dataDir: lib.dir, concurrency: 1 },
      (code) => (exitCode = code),
    );
    assert.ok(core);
    assert.deepEqual(await next((m) => m.type === 'ready'), { type: 'ready', dataDir: lib.dir });

    const file = await media.mp4(2);
    channel.port1.postMessage({ type: 'call', seq: 1, message: { id: 1, method: 'videos.import', params: { paths: [file] } } });
    const imported = (await next((m) => m.type === 'response' && m.seq === 1)) as {
      response: { ok: boolean; result: { jobs: Array<{ jobId: number }> } };
    };
    assert.equal(imported.response.ok, true);
    const added = (await next((m) => m.type === 'event' && (m.event as { type: string }).type === 'video.added')) as {
      event: { video: { id: number } };
    };
    const videoId = added.event.video.id;
    channel.port1.postMessage({ type: 'media', seq: 2, target: { kind: 'video', id: videoId } });
    assert.deepEqual(await next((m) => m.type === 'media' && m.seq === 2), {
      type: 'media',
      seq: 2,
      file: { path: file, contentType: 'video/mp4' },
    });
    channel.port1.postMessage({ type: 'media', seq: 3, target: { kind: 'video', id: videoId + 7 } });
    assert.deepEqual(await next((m) => m.type === 'media' && m.seq === 3), { type: 'media', seq: 3, file: null });
    channel.port1.postMessage({ type: 'call', seq: 4, message: { id: 2, method: 'nope', params: {} } });
    const bad = (await next((m) => m.type === 'response' && m.seq === 4)) as { response: { ok: boolean; error: { code: string } } };
    assert.deepEqual([bad.response.ok, bad.response.error.code], [false, 'usage']);
    channel.port1.postMessage({ type: 'shutdown' });
    await next((m) => m.type === 'closed');
    assert.equal(exitCode, 0);
    channel.port1.close();
  },
);

test('core host reports a library it cannot open as fatal, with the reason, and exits 1', { timeout: 120_000 }, async (t) => {
  const { runCoreHost } = await import('../../electron/core-host-main.js');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'framewise-host-bad-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const notADir = path.join(dir, 'a-file');
  writeFileSync(notADir, 'x');
  const posted: Array<{ type: string; message?: string }> = [];
  let exitCode: number | null = null;
  const core = await runCoreHost(
    { post: (m) => posted.push(m as { type: string }), onMessage: () => undefined },
    { dataDir: notADir },
    (c) => (exitCode = c),
  );
  assert.equal(core, null);
  assert.equal(exitCode, 1);
  assert.equal(posted.length, 1);
  assert.equal(posted[0]!.type, 'fatal');
  assert.ok(posted[0]!.message && posted[0]!.message.length > 0);
});
