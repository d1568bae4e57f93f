import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { computePlan } from '../../core/anonymize/plan.js';
import { buildMaskImage } from '../../core/anonymize/mask.js';
import { anonymizeOptionsSchema } from '../../core/anonymize/types.js';
import { X264_PIPELINE, buildRenderArgs, type RenderArgsInput } from '../../core/ffmpeg/anonymize-render.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { tempDir } from '../helpers/library.js';
import { generated } from '../helpers/media.js';

const scratch = tempDir('framewise-render-args-');
after(() => scratch.cleanup());

/** A 6 s 640×360 clip, an octagon + one text box plan at preset fast, its mask image and ffmpeg. */
async function fixture() {
  const file = await generated('render-args-640x360-6s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25:duration=6',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
  const plan = computePlan({
    video: { width: 640, height: 360, fps: { num: 25, den: 1 }, duration: 6, frameCount: 150, audioStreams: 0 },
    region: { x: 200, y: 20, width: 320, height: 320, shape: 'octagon', cornerCut: 0.2 },
    textBoxes: [{ rect: { x: 20, y: 40, width: 120, height: 30 }, source: 'ocr' }],
    segments: [],
    patient: { known: true, verified: true },
    options: anonymizeOptionsSchema.parse({ preset: 'fast' }),
  });
  const mask = buildMaskImage(plan)!;
  const maskPath = path.join(scratch.dir, 'mask.png');
  writeFileSync(maskPath, mask.png);
  const ffmpeg = await Ffmpeg.create();
  const argsFor = (name: string, extra: Partial<RenderArgsInput> = {}) =>
    buildRenderArgs(plan, { input: file, mask: { path: maskPath, rect: mask.rect }, output: path.join(scratch.dir, name), ...extra });
  const run = async (args: string[]) => {
    await ffmpeg.run(args);
    return createHash('sha256')
      .update(readFileSync(args.at(-1)!))
      .digest('hex');
  };
  return { file, argsFor, run };
}

/**
 * The render lets x264's lookahead run further ahead of the encoding threads (wall time on two cores); that
 * must change no decision: the anonymized file is byte for byte the one rendered without it.
 */
test('render: the lookahead buffer changes no byte of the output', async () => {
  const { argsFor, run } = await fixture();
  const render = async (name: string, withPipeline: boolean) => {
    const args = argsFor(name);
    const at = args.indexOf(X264_PIPELINE[0]!);
    assert.ok(at >= 0 && args[at + 1] === X264_PIPELINE[1], 'the render passes the lookahead buffer to x264');
    if (!withPipeline) args.splice(at, X264_PIPELINE.length);
    return run(args);
  };
  assert.equal(await render('with.mp4', true), await render('without.mp4', false));
});

/**
 * On two cores the input is decoded on one thread (x264 already fills both cores; the decoder's frame threads
 * only cost CPU); with more cores ffmpeg's default stays. Either way the output is byte for byte the same.
 */
test('render: one decoder thread on two cores, the default with more, the same bytes', async () => {
  const { file, argsFor, run } = await fixture();
  const two = argsFor('two-cores.mp4', { cores: 2 });
  const eight = argsFor('eight-cores.mp4', { cores: 8 });
  const input = (args: string[]) => args.indexOf(file);
  assert.deepEqual(two.slice(input(two) - 3, input(two)), ['-threads', '1', '-i'], 'one decoder thread, for the video input');
  assert.equal(eight[input(eight) - 1], '-i');
  assert.ok(!eight.slice(0, input(eight)).includes('-threads'), "the decoder keeps ffmpeg's default threads");
  assert.equal(await run(two), await run(eight));
});
