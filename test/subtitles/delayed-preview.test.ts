import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpegPath } from '../helpers/media.js';
import { delayedCuts, sceneMedia } from '../helpers/scenes.js';

const run = promisify(execFile);

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
    for (const [name, file] of [
      ['plain', await sceneMedia.cuts()],
      ['delayed', await delayedCuts()],
    ] as const) {
      const [job] = await importAndWait(core, [file]);
      assert.equal(job!.state, 'succeeded', JSON.stringify(job!.error));
      const video = (job!.output as { videoId: number }).videoId;
      const track = (await core.call('subtitles.import', { video, path: srt })).track.id;
      const preview = await core.call('subtitles.preview', { video, track, style: 'box', timeMs: 2080 });
      const png = path.join(scratch.dir, `${name}.png`);
      writeFileSync(png, Buffer.from(preview.png.split(',')[1]!, 'base64'));
      pngs.push(png);
    }
    const db = await psnr(pngs[0]!, pngs[1]!);
    assert.ok(db > 35, `${db} dB`);
  } finally {
    await close();
    scratch.cleanup();
  }
});
