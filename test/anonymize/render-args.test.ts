import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { computePlan } from '../../core/anonymize/plan.js';
import { buildMaskImage } from '../../core/anonymize/mask.js';
import { anonymizeOptionsSchema } from '../../core/anonymize/types.js';
import {
  X264_GOP,
  X264_LOOKAHEAD,
  RENDER_REFERENCE_DISTANCE,
  buildRenderArgs,
  type RenderArgsInput,
} from '../../core/ffmpeg/anonymize-render.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { tempDir } from '../helpers/library.js';
import { ffprobePath, generated } from '../helpers/media.js';

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
    const at = args.indexOf('-x264-params');
    assert.ok(at >= 0 && args[at + 1] === `${X264_GOP}:${X264_LOOKAHEAD}`, 'the render passes the lookahead buffer to x264');
    assert.equal(args.filter((a) => a === '-x264-params').length, 1);
    if (!withPipeline) args[at + 1] = X264_GOP;
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

/** Each frame's picture type and whether other frames refer to it, from ffprobe, in presentation order. */
async function frameTypes(file: string): Promise<{ types: string; references: number }> {
  const probe = async (extra: string[]) =>
    (
      await promisify(execFile)(await ffprobePath(), [
        '-v',
        'error',
        ...extra,
        '-select_streams',
        'v:0',
        '-show_entries',
        'frame=pict_type',
        '-of',
        'csv=p=0',
        file,
      ])
    ).stdout
      .split('\n')
      .map((l) => l.replace(/[^IPB]/g, ''))
      .filter(Boolean);
  const types = (await probe([])).join('');
  return { types, references: (await probe(['-skip_frame', 'noref'])).length };
}

/**
 * The verifier decodes only the frames other frames refer to, and samples among them (verify.ts): the render's
 * fixed pattern (X264_GOP) keeps those to one frame in three, never more than RENDER_REFERENCE_DISTANCE apart. x264's
 * default pattern at veryfast (adaptive B runs, the middle one a reference) left more than half of this clip's
 * frames to decode.
 */
test('render: reference frames are one in three, evenly spaced (what the verifier decodes)', async () => {
  assert.match(X264_GOP, /bframes=2/);
  const { argsFor, run } = await fixture();
  const args = argsFor('pattern.mp4');
  await run(args);
  const { types, references } = await frameTypes(args.at(-1)!);
  assert.equal(types.length, 150);
  assert.doesNotMatch(types, /BBB/, 'never three B frames in a row');
  const refs = [...types].flatMap((t, i) => (t === 'B' ? [] : [i]));
  assert.equal(references, refs.length, 'no B frame is a reference');
  assert.ok(refs.length <= Math.ceil(150 / 3) + 2, `${refs.length} reference frames of 150`);
  const gaps = refs.slice(1).map((f, i) => f - refs[i]!);
  assert.ok(
    Math.max(...gaps, 150 - refs.at(-1)!) <= RENDER_REFERENCE_DISTANCE,
    `reference frames at most ${RENDER_REFERENCE_DISTANCE} apart`,
  );
});
