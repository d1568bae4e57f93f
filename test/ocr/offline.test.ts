import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tempDir } from '../helpers/library.js';
import { overlayMedia } from './overlay-media.js';

const execFileAsync = promisify(execFile);
const distCore = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'core');

/**
 * Runs detection + recognition in a child whose every thread (the preload runs in worker threads too) fails
 * any network use: sockets, DNS, fetch. tesseract.js must load its core, worker and language data locally.
 */
test('OCR runs fully offline: no socket, DNS or fetch in any thread', async () => {
  const { dir, cleanup } = tempDir('framewise-offline-');
  try {
    const preload = path.join(dir, 'no-network.cjs');
    writeFileSync(
      preload,
      `
      const net = require('node:net'); const dns = require('node:dns'); const tls = require('node:tls');
      const deny = (what) => function () { process.stderr.write('NETWORK-ATTEMPT ' + what + '\\n'); throw new Error('network disabled: ' + what); };
      net.Socket.prototype.connect = deny('socket'); net.connect = deny('net.connect'); net.createConnection = deny('net.createConnection');
      tls.connect = deny('tls.connect'); dns.lookup = deny('dns.lookup'); dns.promises.lookup = deny('dns.promises.lookup');
      globalThis.fetch = deny('fetch');
      `,
    );
    const image = await overlayMedia('offline', {
      lines: [
        { text: 'Müller, Jürgen', x: 40, y: 30 },
        { text: '12.05.2023 10:00', x: 40, y: 90 },
      ],
      width: 640,
      height: 160,
    });
    const script = path.join(dir, 'child.mjs');
    writeFileSync(
      script,
      `
      const { Ffmpeg } = await import(${JSON.stringify(pathToFileURL(path.join(distCore, 'ffmpeg', 'index.js')).href)});
      const { runOcrOnImage } = await import(${JSON.stringify(pathToFileURL(path.join(distCore, 'ocr', 'pipeline.js')).href)});
      const r = await runOcrOnImage(await Ffmpeg.create(), ${JSON.stringify(image)});
      process.stdout.write(JSON.stringify({ last: r.fields.last_name?.value, text: r.regions.map((g) => g.text) }));
      `,
    );
    const { stdout, stderr } = await execFileAsync(process.execPath, ['--require', preload, script], {
      timeout: 120_000,
      env: { ...process.env, TESSDATA_CACHE: dir },
    });
    assert.doesNotMatch(stderr, /NETWORK-ATTEMPT/);
    const out = JSON.parse(stdout) as { last?: string; text: string[] };
    assert.equal(out.last, 'Müller', stdout);
  } finally {
    cleanup();
  }
});
