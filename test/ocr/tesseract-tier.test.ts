import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { readFrameRgb } from '../../core/ffmpeg/raw-frame.js';
import { LineRecognizer, prepareLine } from '../../core/ocr/recognize.js';
import { overlayMedia } from './overlay-media.js';

/** CPU seconds of each thread of this process (Linux /proc). */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(t, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return out;
}

/**
 * A fresh Tesseract worker's wasm is not compiled again by TurboFan while its first lines are read (recognize.ts,
 * wasmBaselineOnly): with tier-up V8's platform threads (the threads older than the worker) spent ≈ 0.5–0.9 CPU-s on
 * the first few lines; without it next to nothing (GC of this idle test process only).
 */
test("Tesseract's first lines cost V8's platform threads no optimising wasm compile", async () => {
  const ffmpeg = await Ffmpeg.create();
  const width = 420;
  const height = 150;
  const file = await overlayMedia('tesseract-tier', {
    width,
    height,
    lines: [
      { text: 'Müller, Jürgen', x: 10, y: 10 },
      { text: '12.05.2023 10:00', x: 10, y: 60 },
      { text: 'Dr. Wiesław Nowak', x: 10, y: 105 },
    ],
  });
  const data = await readFrameRgb(ffmpeg, file, 0, { width, height });
  assert.ok(data);
  const img = { width, height, data };
  const lines = [0, 50, 95].map((y) => prepareLine(img, { x: 0, y, width, height: 48 }));
  const platform = new Set(threadCpu().keys());
  platform.delete(String(process.pid));
  const r = await LineRecognizer.create();
  try {
    const before = threadCpu();
    const texts: string[] = [];
    for (let round = 0; round < 3; round++) for (const l of lines) texts.push((await r.recognizeGray(l)).text);
    const after = threadCpu();
    let compile = 0;
    for (const t of platform) compile += (after.get(t) ?? 0) - (before.get(t) ?? 0);
    assert.match(texts[0]!, /Müller/);
    assert.ok(compile < 0.25, `V8 platform threads spent ${compile.toFixed(2)} CPU-s while 9 lines were read`);
  } finally {
    await r.close();
  }
});
