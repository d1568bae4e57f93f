import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { defaultMaxListeners, getMaxListeners } from 'node:events';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { streamFrames } from '../../core/ffmpeg/frame-stream.js';
import { createOcrFrameReader } from '../../core/anonymize/providers/ocr-reader.js';
import { scanText, type ScanSample, type ScanStats } from '../../core/anonymize/text-scan.js';
import { coverRects, TileScreen, TILE, MARGIN } from '../../core/anonymize/region-screen.js';
import { findTokensInReadings, patientTokens } from '../../core/anonymize/tokens.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';
import { generated } from '../helpers/media.js';
import { FONT } from './endoscopy-media.js';

/**
 * Region screening (region-screen.ts): after the first sample only changed tiles are read, the rest keeps its
 * lines. Text that appears mid-video where the picture was static must still be found on the first sample that
 * shows it — large, small, colour-only (pink on orange: luma differs by 7), thin strokes across tile borders —
 * and moving text on every sample. 640×360, 25 fps, 3.2 s, read every 5th frame.
 */
const W = 640;
const H = 360;
const FPS = 25;
const STEP = 5;
const esc = (s: string) => s.replace(/:/g, '\\:').replace(/,/g, '\\,');
const events = [
  { what: 'large', token: 'Schneider', draw: `text='Schneider':x=40:y=40:fontsize=32:fontcolor=white`, from: 1.0 },
  { what: 'small (16 px)', token: 'Hoffmann', draw: `text='Hoffmann':x=330:y=150:fontsize=16:fontcolor=white`, from: 1.2 },
  { what: 'colour-only (pink on orange)', token: 'Okonkwo', draw: `text='Okonkwo':x=40:y=214:fontsize=22:fontcolor=0xff8080`, from: 1.6 },
  // 14 px DejaVu: 1-px strokes; placed across the tile borders x=304/320, y=272.
  { what: 'thin strokes across tile borders', token: 'Nguyen', draw: `text='Nguyen':x=292:y=264:fontsize=14:fontcolor=white`, from: 2.0 },
];
const moving = { token: 'Annabell', from: 0.4, to: 2.8 };
/**
 * A white box that blinks (on for samples 1, 3, 5, …: frames 5–9, 15–19, …): its tiles go back and forth between two
 * states read before, and are recalled instead of read (tile-screen.ts). From 2.4 s a name is written where the box
 * is, under it: on the samples the box is off it shows in a state of those tiles never read free of text.
 */
const blinking = { token: 'Kowalski', from: 2.4, box: 'x=20:y=290:w=150:h=44' };
/** A word of which only the end appears (its first half stood there from the start): only some of its tiles change. */
const completed = { token: 'Bergmann', stem: 'Berg', from: 2.2, at: 'x=330:y=214:fontsize=20' };

/** The clips' encoding: H.264 as a camera or recorder writes it (B frames, so non-reference frames exist). */
const X264 = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '23', '-pix_fmt', 'yuv420p'];

async function regionsClip(): Promise<string> {
  const draws = [
    // A static line from the start (read once, reported again on every sample).
    `drawtext=fontfile=${FONT}:text='Static 123':x=330:y=300:fontsize=20:fontcolor=white`,
    ...events.map((e) => `drawtext=fontfile=${FONT}:${esc(e.draw)}:enable='gte(t,${e.from})'`),
    `drawtext=fontfile=${FONT}:text='${moving.token}':x='40+(t-${moving.from})*120':y=110:fontsize=20:fontcolor=white:enable='between(t,${moving.from},${moving.to})'`,
    `drawtext=fontfile=${FONT}:text='${blinking.token}':x=28:y=300:fontsize=22:fontcolor=white:enable='gte(t,${blinking.from})'`,
    `drawbox=${blinking.box}:color=white:t=fill:enable='eq(mod(floor(n/5),2),1)'`,
    // The stem alone until the whole word is drawn (drawn twice, its anti-aliased edges would change too).
    `drawtext=fontfile=${FONT}:text='${completed.stem}':${completed.at}:fontcolor=white:enable='lt(t,${completed.from})'`,
    `drawtext=fontfile=${FONT}:text='${completed.token}':${completed.at}:fontcolor=white:enable='gte(t,${completed.from})'`,
  ];
  return generated('text-scan-regions-v2.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=c=0x305070:s=${W}x${H}:r=${FPS}:d=3.2`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=160x120:r=${FPS}:d=3.2`,
    '-filter_complex',
    `[0:v]drawbox=x=20:y=200:w=260:h=60:color=0xffa500:t=fill[bg];[bg][1:v]overlay=460:20,${draws.join(',')}[v]`,
    '-map',
    '[v]',
    ...X264,
    out,
  ]);
}

let samples: ScanSample[] = [];
let stats: ScanStats;
let restarts = 0;
before(async () => {
  const file = await regionsClip();
  const reader = await createOcrFrameReader();
  try {
    stats = await scanText({
      // Reference frames only, with a bound the file cannot meet (2 + 20 frames between reference frames): the
      // first gap check fails, and the scan starts again decoding every frame (the samples below).
      referenceOnly: { fps: { num: FPS, den: 1 }, maxGap: -20 },
      onRestart: () => {
        restarts++;
        samples = [];
      },
      ffmpeg: await Ffmpeg.create(),
      file,
      width: W,
      height: H,
      step: STEP,
      frameCount: 80,
      reader,
      onSample: (s) => samples.push(s),
    });
  } finally {
    await reader.close();
  }
  samples = samples.sort((a, b) => a.frame - b.frame);
});

const tokensOf = (last: string) => patientTokens(patientFieldsSchema.parse({ last_name: last }));
const finds = (s: ScanSample, token: string) =>
  s.lines.some((l) => findTokensInReadings([l.text, ...(l.alternatives ?? [])], tokensOf(token)).length > 0);

test('reference-only decoding: samples never more than a step apart, numbered by timestamp, pixels as the full decode', async () => {
  const file = await regionsClip();
  const ffmpeg = await Ffmpeg.create();
  const full = new Map<number, string>();
  const digest = (d: Uint8Array) => createHash('sha1').update(d).digest('hex');
  await streamFrames(ffmpeg, file, { step: 1, width: W, height: H, onFrame: async (f) => void full.set(f.frame, digest(f.data)) });
  assert.equal(full.size, 80);
  const got: number[] = [];
  await streamFrames(ffmpeg, file, {
    step: STEP,
    width: W,
    height: H,
    referenceOnly: { fps: { num: FPS, den: 1 }, minGap: STEP - 2 + 1 },
    onFrame: async (f) => {
      got.push(f.frame);
      assert.equal(digest(f.data), full.get(f.frame), `frame ${f.frame}`);
    },
  });
  assert.equal(got[0], 0);
  for (let i = 1; i < got.length; i++) assert.ok(got[i]! - got[i - 1]! <= STEP && got[i]! > got[i - 1]!, got.join(','));
  assert.ok(80 - got[got.length - 1]! <= STEP, got.join(','));
  // Fewer frames than every frame were decoded: the file has non-reference B frames, and some samples are not multiples of the step.
  assert.ok(
    got.some((f) => f % STEP !== 0),
    got.join(','),
  );
  // A bound the file cannot meet: the scan above fell back to decoding every frame (once), and said so.
  assert.equal(restarts, 1);
  assert.equal(stats.referenceOnly, false);
});

test('region screening reads only what changed: the first sample whole, the others in part, unchanged tiles reused', () => {
  assert.equal(samples.length, 16);
  assert.equal(samples[0]!.how, 'read');
  assert.ok(
    samples.slice(1).every((s) => s.how === 'partial' || s.how === 'unchanged'),
    samples.map((s) => s.how).join(','),
  );
  assert.ok(stats.tilesReused > stats.tilesRead, `tiles read ${stats.tilesRead}, reused ${stats.tilesReused}`);
  // The static line is reported on every sample, though read only on the first.
  for (const s of samples)
    assert.ok(
      s.lines.some((l) => l.box.y >= 290 && l.box.y <= 310 && l.box.x >= 320 && l.box.x <= 340),
      `static line at frame ${s.frame}`,
    );
});

for (const e of events) {
  test(`text appearing mid-video where the picture was static is found on the first sample showing it: ${e.what}`, () => {
    const start = Math.round(e.from * FPS);
    const first = samples.find((s) => s.frame >= start)!;
    assert.notEqual(first.how, 'read', 'found by a partial read');
    assert.ok(finds(first, e.token), `${e.token} at frame ${first.frame}: ${first.how}`);
    // And on every later sample (reused or read again).
    for (const s of samples.filter((x) => x.frame > first.frame)) assert.ok(finds(s, e.token), `${e.token} at frame ${s.frame}`);
  });
}

test('moving text is found on every sample that shows it', () => {
  const shown = samples.filter((s) => s.frame >= moving.from * FPS && s.frame < moving.to * FPS - 1);
  assert.ok(shown.length >= 10);
  for (const s of shown) assert.ok(finds(s, moving.token), `${moving.token} at frame ${s.frame} (${s.how})`);
});

test('a tile back in a state read free of text is recalled, not read; text written in that place is read', () => {
  const first = samples.find((s) => s.frame >= blinking.from * FPS)!;
  assert.ok(stats.tilesRecalled > 0, `recalled ${stats.tilesRecalled}`);
  assert.notEqual(first.how, 'read', 'found by a partial read');
  // Box off (even samples): the name shows; box on: it is covered.
  const shown = samples.filter((s) => s.frame >= first.frame && (s.frame / STEP) % 2 === 0);
  assert.ok(shown.length >= 2, shown.map((s) => s.frame).join(','));
  // The later ones show those tiles in the state read on the first: not free of text, so not recalled but read.
  for (const s of shown) assert.ok(finds(s, blinking.token), `${blinking.token} at frame ${s.frame} (${s.how})`);
});

test('a word of which only some tiles change is read whole (the margin and the wider reads around a cut line)', () => {
  const start = Math.round(completed.from * FPS);
  const first = samples.find((s) => s.frame >= start)!;
  assert.notEqual(first.how, 'read', 'found by a partial read');
  for (const s of samples.filter((x) => x.frame >= first.frame))
    assert.ok(finds(s, completed.token), `${completed.token} at frame ${s.frame}`);
});

test('recall (tile-screen.ts): only into an earlier state whose read is over and found no line touching the tile', () => {
  const area = { x: 0, y: 0, width: 64, height: 32 };
  const frame = (fill: (x: number, y: number) => [number, number, number]) => {
    const data = new Uint8Array(64 * 32 * 3);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 64; x++) data.set(fill(x, y), (y * 64 + x) * 3);
    return { width: 64, height: 32, data };
  };
  const plain = frame(() => [48, 80, 112]);
  // A box over tiles 0 and 1 (x 0–31, y 0–15).
  const boxed = frame((x, y) => (x < 32 && y < 16 ? [255, 255, 255] : [48, 80, 112]));
  // Plain again, with a 10-px stroke in tile 0: a state never read.
  const stroked = frame((x, y) => (x === 5 && y >= 3 && y < 13 ? [200, 200, 200] : [48, 80, 112]));
  const changedTiles = (r: { tiles: Uint8Array }) => [...r.tiles].map((v, i) => (v ? i : -1)).filter((i) => i >= 0);
  const run = (lines: Array<{ x: number; y: number; width: number; height: number }> | null) => {
    const screen = new TileScreen(area);
    screen.rememberAll(plain, 0);
    if (lines) screen.markLines(0, lines);
    const boxedNow = screen.changed(boxed);
    assert.deepEqual(changedTiles(boxedNow), [0, 1]);
    screen.remember(boxed, boxedNow.tiles, 1);
    screen.markLines(1, []);
    return screen;
  };
  // Sample 0 read free of text: the box leaves, tiles 0 and 1 are recalled (nothing to read) ...
  let screen = run([]);
  const back = screen.changed(plain);
  assert.deepEqual([changedTiles(back), back.recalled], [[], 2]);
  // ... and a stroke written where the box was is a new state: read.
  screen = run([]);
  assert.deepEqual(changedTiles(screen.changed(stroked)), [0]);
  // Sample 0's lines not known yet (still being read): undecided, waiting for sample 0 ...
  screen = run(null);
  const early = screen.changed(plain);
  assert.deepEqual([changedTiles(early), early.undecided, [...early.waitFor]], [[], [0, 1], [0]]);
  // ... and settled as if they had been known: found free of text, both recalled; a line on tile 1, tile 1 read;
  // never told, both read (fail closed).
  screen.markLines(0, []);
  screen.decide(early);
  assert.deepEqual([changedTiles(early), early.recalled], [[], 2]);
  screen = run(null);
  const lined = screen.changed(plain);
  screen.markLines(0, [{ x: 20, y: 2, width: 8, height: 10 }]);
  screen.decide(lined);
  assert.deepEqual([changedTiles(lined), lined.recalled], [[1], 1]);
  screen = run(null);
  const untold = screen.changed(plain);
  screen.decide(untold);
  assert.deepEqual([changedTiles(untold), untold.recalled], [[0, 1], 0]);
  // A line touched tile 1 on sample 0: tile 1 is read again, tile 0 is recalled.
  screen = run([{ x: 20, y: 2, width: 8, height: 10 }]);
  const touched = screen.changed(plain);
  assert.deepEqual([changedTiles(touched), touched.recalled], [[1], 1]);
});

test('the tile change test: a 1-px stroke, colour-only change and faint large text change a tile; codec-like noise does not', () => {
  const area = { x: 0, y: 0, width: 64, height: 64 };
  const frame = (fill: (x: number, y: number) => [number, number, number]) => {
    const data = new Uint8Array(64 * 64 * 3);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) data.set(fill(x, y), (y * 64 + x) * 3);
    return { width: 64, height: 64, data };
  };
  const orange = (): [number, number, number] => [255, 165, 0];
  const screen = new TileScreen(area);
  screen.rememberAll(frame(orange));
  const changed = (f: ReturnType<typeof frame>) => [...screen.changed(f).tiles].map((v, i) => (v ? i : -1)).filter((i) => i >= 0);
  // Noise of ±10 on every channel, everywhere: nothing changed.
  assert.deepEqual(changed(frame((x, y) => [255 - ((x * 7 + y * 3) % 11), 165 + ((x + y) % 11) - 5, (x * y) % 11])), []);
  // A 1-px vertical stroke, 10 px long, 30 levels brighter, on an odd column of tile (1, 1) (x 16–31, y 16–31).
  assert.deepEqual(changed(frame((x, y) => (x === 17 && y >= 19 && y < 29 ? [255, 195, 30] : orange()))), [5]);
  // Pink on orange: luma nearly the same, blue channel +128.
  assert.deepEqual(changed(frame((x, y) => (x >= 40 && x < 50 && y >= 40 && y < 44 ? [255, 128, 128] : orange()))), [10, 11]);
  // Faint large text: 120 pixels 16 levels brighter in tile 0.
  assert.deepEqual(changed(frame((x, y) => (x < 12 && y < 10 ? [255, 181, 16] : orange()))), [0]);
  assert.equal(TILE, 16);
  // A changed tile is read with MARGIN around it.
  const big = new TileScreen({ x: 0, y: 0, width: 640, height: 360 });
  const tiles = new Uint8Array(big.cols * big.rows);
  tiles[10 * big.cols + 20] = 1;
  const [r] = coverRects(big, tiles);
  assert.ok(
    r && r.x <= 320 - MARGIN && r.y <= 160 - MARGIN && r.x + r.width >= 336 + MARGIN && r.y + r.height >= 176 + MARGIN,
    JSON.stringify(r),
  );
});

test('many regions read at once on a job’s signal: no listener-leak warning, and the caller’s signal keeps its limit', async () => {
  // 24 small counters far apart (the frame number, a new state on every sample): every sample after the first reads
  // 24 separate regions at once (3 samples in flight), each read listening for the abort until it settles.
  const spots = Array.from({ length: 24 }, (_, i) => ({ x: 30 + (i % 6) * 210, y: 30 + Math.floor(i / 6) * 170 }));
  const file = await generated('text-scan-many-regions-v4.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'color=c=0x305070:s=1280x720:r=25:d=1.6',
    '-vf',
    [
      // A static grey band: no sample is blank (a blank one would be skipped and the next read whole).
      'drawbox=x=0:y=690:w=1280:h=30:color=0xa0a0a0:t=fill',
      ...spots.map((p) => `drawtext=fontfile=${FONT}:text='%{frame_num}':x=${p.x}:y=${p.y}:fontsize=18:fontcolor=white`),
    ].join(','),
    ...X264,
    out,
  ]);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  const job = new AbortController();
  const reader = await createOcrFrameReader();
  let st: ScanStats;
  try {
    st = await scanText({
      ffmpeg: await Ffmpeg.create(),
      file,
      width: 1280,
      height: 720,
      step: 5,
      frameCount: 40,
      reader,
      signal: job.signal,
      onSample: () => undefined,
    });
    // Warnings are emitted on a later tick.
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', onWarning);
    await reader.close();
  }
  assert.ok(st.regionReads > 30, `${st.regionReads} region reads`);
  assert.deepEqual(warnings, []);
  assert.equal(getMaxListeners(job.signal), defaultMaxListeners);
});
