import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from '../helpers/library.js';
import { runCli } from '../helpers/cli.js';
import { ffmpegPath, generated } from '../helpers/media.js';
import { subtitledMedia, subtitledMkv } from '../helpers/scenes.js';

const run = promisify(execFile);

/** `subtitledMedia` in Matroska with a SubRip track and an ASS track whose `Default` style is large and yellow. */
const restyledMkv = async () => {
  const base = await subtitledMedia();
  return generated('scenes-subtitled-4s-gop25-srt-ass-yellow.mkv', (out) => {
    const ass = out + '.ass';
    writeFileSync(
      ass,
      [
        '[Script Info]',
        'ScriptType: v4.00+',
        'PlayResX: 384',
        'PlayResY: 288',
        '',
        '[V4+ Styles]',
        'Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding',
        'Style: Default,Arial,40,&H00ffff,&Hffffff,&H0,&H0,1,0,0,0,100,100,0,0,1,1,0,8,10,10,10,0',
        '',
        '[Events]',
        'Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text',
        'Dialogue: 0,0:00:00.50,0:00:01.50,Default,,0,0,0,,yellow first',
        'Dialogue: 0,0:00:02.50,0:00:03.50,Default,,0,0,0,,yellow second',
        '',
      ].join('\n'),
    );
    return ['-i', base, '-i', ass, '-map', '0:v', '-map', '0:a', '-map', '0:s', '-map', '1:0', '-c', 'copy', '-c:s:0', 'srt', out];
  });
};

// Joined, the first source's header was the only one: the second source's events, named "Default", were drawn
// in the first source's small white Default.
test("merge: ASS tracks of sources with different styles keep each source's look (a taken style name is renamed)", async () => {
  const out = tempDir('framewise-ass-styles-');
  try {
    const merged = path.join(out.dir, 'merged.mkv');
    const r = await runCli([
      '--data-dir',
      path.join(out.dir, 'data'),
      'merge',
      await subtitledMkv(),
      await restyledMkv(),
      '-o',
      merged,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { stdout } = await run(await ffmpegPath(), ['-v', 'error', '-i', merged, '-map', '0:s:1', '-c', 'copy', '-f', 'ass', '-']);
    const styles = stdout.split(/\r?\n/).filter((l) => l.startsWith('Style:'));
    assert.deepEqual(
      styles.map((l) => l.split(',').slice(0, 3).join(',')),
      ['Style: Default,Arial,16', 'Style: Default_2,Arial,40'],
      stdout,
    );
    const events = stdout.split(/\r?\n/).filter((l) => l.startsWith('Dialogue:'));
    assert.deepEqual(
      events.map((l) => [l.split(',')[3], l.split(',').at(-1)]),
      [
        ['Default', 'first'],
        ['Default', 'second'],
        ['Default_2', 'yellow first'],
        ['Default_2', 'yellow second'],
      ],
      stdout,
    );
  } finally {
    out.cleanup();
  }
});
