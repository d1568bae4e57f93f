import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpegPath } from '../helpers/media.js';
import { delayedCuts, greyFrames, sceneMedia, subtitleCues } from '../helpers/scenes.js';

const run = promisify(execFile);

type TempCore = Awaited<ReturnType<typeof openTempCore>>['core'];

/** The cuts video as it is and with its picture 0.42 s into the file, each imported with the subtitle file `srt`. */
async function eachCutsVideo(
  core: TempCore,
  srt: string,
  fn: (name: 'plain' | 'delayed', video: number, track: number) => Promise<void>,
): Promise<void> {
  for (const [name, file] of [
    ['plain', await sceneMedia.cuts()],
    ['delayed', await delayedCuts()],
  ] as const) {
    const [job] = await importAndWait(core, [file]);
    assert.equal(job!.state, 'succeeded', JSON.stringify(job!.error));
    const video = (job!.output as { videoId: number }).videoId;
    const track = (await core.call('subtitles.import', { video, path: srt })).track.id;
    await fn(name, video, track);
  }
}

/** PSNR (dB) of two single-picture files. */
async function psnr(a: string, b: string): Promise<number> {
  const { stderr } = await run(await ffmpegPath(), [
    '-hide_banner',
    '-i',
    a,
    '-i',
    b,
    '-filter_complex',
    '[0:v][1:v]psnr',
    '-f',
    'null',
    '-',
  ]);
  const m = /average:(inf|[\d.]+)/.exec(stderr);
  return m ? (m[1] === 'inf' ? Infinity : Number(m[1])) : NaN;
}

// Cue times count from the first picture, ffmpeg's -ss from the file's start: in a file whose picture starts
// 0.42 s in (10 frames), the preview at 2.08 s (frame 52, just after the cut at 50) showed frame 42 of the
// previous scene.
test('subtitles preview: the same picture when the picture starts 0.42 s into the file', async () => {
  const scratch = tempDir('framewise-subs-delayed-');
  const { core, close } = await openTempCore();
  try {
    const srt = path.join(scratch.dir, 'late.srt');
    writeFileSync(srt, '1\n00:00:06,000 --> 00:00:07,000\nx\n');
    const pngs: string[] = [];
    await eachCutsVideo(core, srt, async (name, video, track) => {
      const preview = await core.call('subtitles.preview', { video, track, style: 'box', timeMs: 2080 });
      const png = path.join(scratch.dir, `${name}.png`);
      writeFileSync(png, Buffer.from(preview.png.split(',')[1]!, 'base64'));
      pngs.push(png);
    });
    const db = await psnr(pngs[0]!, pngs[1]!);
    assert.ok(db > 35, `${db} dB`);
  } finally {
    await close();
    scratch.cleanup();
  }
});

const mse = (a: Buffer, b: Buffer) => a.reduce((sum, x, i) => sum + (x - b[i]!) ** 2, 0) / a.length;

// Burned in, the cue clock ran on the file's timeline: in the file whose picture starts 0.42 s in, a cue of
// 1.0–1.4 s (frames 25–34) was drawn on frames 15–24.
test('subtitles burn-in: a cue on the same pictures when the picture starts 0.42 s into the file', async () => {
  const scratch = tempDir('framewise-subs-delayed-burn-');
  const { core, close } = await openTempCore();
  try {
    const srt = path.join(scratch.dir, 'cue.srt');
    writeFileSync(srt, '1\n00:00:01,000 --> 00:00:01,400\nBURNED IN\n');
    const source = await greyFrames(await sceneMedia.cuts());
    await eachCutsVideo(core, srt, async (name, video, track) => {
      const output = path.join(scratch.dir, `${name}.mp4`);
      const { job: burn } = await core.call('subtitles.burn', { video, track, output, style: 'box' });
      const done = await core.services.jobs.waitFor(burn.id, 120_000);
      assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
      // The MP4 starts its picture at 0 (the first picture repeated for the 0.42 s before it, with the audio).
      const all = await greyFrames(output);
      const lead = all.length - source.length;
      assert.ok(lead === 0 || (name === 'delayed' && (lead === 10 || lead === 11)), `${name}: ${all.length} frames`);
      const frames = all.slice(lead);
      // The pictures the cue is drawn on (x264's loss alone stays far below 30).
      const drawn = frames.flatMap((f, k) => (mse(f, source[k]!) > 30 ? [k] : []));
      assert.deepEqual(drawn, [25, 26, 27, 28, 29, 30, 31, 32, 33, 34], name);
    });
  } finally {
    await close();
    scratch.cleanup();
  }
});

// Muxed as a soft track, the cues ran on the file's timeline too: 0.42 s early against the picture.
test('subtitles mux: cues at their times from the first picture when the picture starts 0.42 s into the file', async () => {
  const scratch = tempDir('framewise-subs-delayed-mux-');
  const { core, close } = await openTempCore();
  try {
    const srt = path.join(scratch.dir, 'cue.srt');
    writeFileSync(srt, '1\n00:00:01,000 --> 00:00:01,400\nmuxed\n');
    await eachCutsVideo(core, srt, async (name, video) => {
      for (const ext of ['mkv', 'mp4']) {
        const output = path.join(scratch.dir, `${name}.${ext}`);
        const { job: mux } = await core.call('subtitles.mux', { video, output });
        const done = await core.services.jobs.waitFor(mux.id, 120_000);
        assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
        assert.deepEqual((await subtitleCues(output)).cues, [[[1, 1.4]]], `${name}.${ext}`);
      }
    });
  } finally {
    await close();
    scratch.cleanup();
  }
});
