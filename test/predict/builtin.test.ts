import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generated } from '../helpers/media.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { predictAndWait, waitIdle } from './helpers.js';
import { buildBuiltinModel } from '../../core/predict/builtin-model.js';

/** 24 s, 320x240 @ 25 fps test pattern: black 4–8 s, heavily blurred 12–16 s, white 19–22 s. */
function qualityVideo(): Promise<string> {
  return generated('predict-quality-24s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    "testsrc2=s=320x240:r=25:d=24,drawbox=x=0:y=0:w=iw:h=ih:c=black:t=fill:enable='gte(t,4)*lt(t,8)',boxblur=luma_radius=10:luma_power=3:chroma_radius=10:chroma_power=3:enable='gte(t,12)*lt(t,16)',drawbox=x=0:y=0:w=iw:h=ih:c=white:t=fill:enable='gte(t,19)*lt(t,22)'",
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

test('built-in frame-quality model: deterministic bytes, and black / blurry / overexposed parts are found', async () => {
  assert.deepEqual(buildBuiltinModel(), buildBuiltinModel());
  const video = await qualityVideo();
  const lib = await openTempCore();
  try {
    const [imp] = await importAndWait(lib.core, [video]);
    assert.equal(imp?.state, 'succeeded', JSON.stringify(imp?.error));
    const videoId = (imp!.output as { videoId: number }).videoId;
    await waitIdle(lib.core);
    // No model named: the default, which is the built-in one.
    const job = await predictAndWait(lib.core, { video: videoId, fps: 5 });
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    assert.equal((job.output as { model: string }).model, 'frame-quality');
    const segs = await lib.core.call('segments.list', { video: videoId });
    const of = (label: string) => segs.filter((s) => s.label === label).map((s) => [s.start, s.end]);
    const within = (a: number, b: number) => Math.abs(a - b) <= 0.2 + 1e-9;
    const black = of('black');
    assert.equal(black.length, 1, JSON.stringify(black));
    assert.ok(within(black[0]![0]!, 4) && within(black[0]![1]!, 8), JSON.stringify(black));
    assert.ok(
      of('dark').some(([s, e]) => within(s!, 4) && within(e!, 8)),
      JSON.stringify(of('dark')),
    );
    const over = of('overexposed');
    assert.equal(over.length, 1, JSON.stringify(over));
    assert.ok(within(over[0]![0]!, 19) && within(over[0]![1]!, 22), JSON.stringify(over));
    // Blurry: the blurred part, and the flat (detail-free) black and white parts; never the sharp pattern.
    const blurry = of('blurry');
    assert.ok(
      blurry.some(([s, e]) => within(s!, 12) && within(e!, 16)),
      JSON.stringify(blurry),
    );
    for (const [s, e] of blurry) {
      const insideKnown = [
        [4, 8],
        [12, 16],
        [19, 22],
      ].some(([a, b]) => s! >= a! - 0.2 && e! <= b! + 0.2);
      assert.ok(insideKnown, `blurry segment ${s}–${e} over the sharp test pattern`);
    }
  } finally {
    await lib.close();
  }
});
