import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { ffprobePath, media } from '../helpers/media.js';
import { parseSubtitleFile } from '../../core/subtitles/parse.js';
import { brokenSrt, expectedCues, srt, vtt } from './samples.js';

const run = promisify(execFile);
const span = (cues: Array<{ startMs: number; endMs: number; text: string }>) => cues.map((c) => `${c.startMs}-${c.endMs} ${c.text}`);

test('CLI: framewise subtitles --list/--import/--export/--shift/--undo/--check/--mux/--burn', async () => {
  const scratch = tempDir('framewise-subs-cli-');
  const data = path.join(scratch.dir, 'library');
  const cli = (...args: string[]) => runCli(['--data-dir', data, ...args]);
  const json = async <T>(...args: string[]): Promise<T> => {
    const r = await cli(...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  const file = (name: string, text: string | Buffer) => {
    const p = path.join(scratch.dir, name);
    writeFileSync(p, text);
    return p;
  };
  try {
    const video = await media.mp4(10, 'subs-10s.mp4');
    assert.equal((await cli('import', video)).code, 0);

    // Windows-1252 SRT with umlauts: detected, converted, stored.
    const imported = await json<{ track: { id: number; language: string }; encoding: string }>(
      'subtitles',
      video,
      '--import',
      file('de.srt', Buffer.from(srt, 'latin1')),
      '--lang',
      'de',
      '--title',
      'Deutsch',
    );
    assert.equal(imported.encoding, 'windows-1252');
    await json('subtitles', video, '--import', file('en.vtt', vtt), '--lang', 'en');
    const bad = await cli('subtitles', video, '--import', file('broken.srt', brokenSrt));
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /line 6: unreadable timing/);

    const list = await json<{ tracks: Array<{ id: number; language: string; title: string; cueCount: number }>; embedded: unknown[] }>(
      'subtitles',
      video,
      '--list',
    );
    assert.deepEqual(
      list.tracks.map((t) => [t.language, t.title, t.cueCount]),
      [
        ['de', 'Deutsch', 3],
        ['en', 'en.vtt', 3],
      ],
    );
    assert.deepEqual(list.embedded, []);
    const [de, en] = list.tracks;

    // --shift 1.5s, exported exactly; --undo restores the import.
    await json('subtitles', video, '--shift', '1.5s', '--track', String(de!.id));
    const out = path.join(scratch.dir, 'out.srt');
    await json('subtitles', video, '--export', out, '--track', String(de!.id));
    const shifted = parseSubtitleFile(readFileSync(out), out).cues;
    assert.deepEqual(span(shifted), span(expectedCues.map((c) => ({ ...c, startMs: c.startMs + 1500, endMs: c.endMs + 1500 }))));
    await json('subtitles', video, '--undo');
    const outVtt = path.join(scratch.dir, 'out.vtt');
    await json('subtitles', video, '--export', outVtt, '--track', String(de!.id));
    assert.deepEqual(span(parseSubtitleFile(readFileSync(outVtt), outVtt).cues), span(expectedCues));
    assert.match(readFileSync(outVtt, 'utf8'), /^WEBVTT\n\n00:00:01\.000 --> 00:00:02\.500\nGrüße aus Köln\n/);

    // --snap to speech segments from a JSON file (seconds), then undo.
    const speech = file(
      'speech.json',
      JSON.stringify([
        { start: 0.9, end: 2.6 },
        { start: 3.1, end: 4.2 },
      ]),
    );
    await json('subtitles', video, '--snap', '--speech', speech, '--track', String(de!.id));
    await json('subtitles', video, '--export', out, '--track', String(de!.id));
    assert.deepEqual(
      parseSubtitleFile(readFileSync(out), out).cues.map((c) => [c.startMs, c.endMs]),
      [
        [900, 2600],
        [3100, 4200],
        [5001, 6999],
      ],
    );
    await json('subtitles', video, '--undo');
    const reviewed = await json<{ reviewed: boolean }>('subtitles', video, '--reviewed', '--track', String(de!.id));
    assert.equal(reviewed.reviewed, true);
    const noSpeech = await cli('subtitles', video, '--snap');
    assert.notEqual(noSpeech.code, 0);
    assert.match(noSpeech.stderr, /no speech segments yet/);

    // Nothing in this track breaks the rules: --enforce changes nothing (and writes no history entry).
    const enforced = await json<{ entry: unknown }>('subtitles', video, '--enforce', '--track', String(en!.id));
    assert.equal(enforced.entry, null);
    const check = await json<{ warnings: Array<{ kind: string }> }>('subtitles', video, '--check', '--track', String(en!.id));
    assert.ok(Array.isArray(check.warnings));

    // --mux -o out.mkv --tracks 1,2 and --burn -o out.mp4 --style box.
    const mkv = path.join(scratch.dir, 'soft.mkv');
    const mux = await cli('subtitles', video, '--mux', '-o', mkv, '--tracks', `${de!.id},${en!.id}`);
    assert.equal(mux.code, 0, mux.stderr);
    const probe = JSON.parse((await run(await ffprobePath(), ['-v', 'error', '-show_streams', '-of', 'json', mkv])).stdout) as {
      streams: Array<{ codec_type: string; codec_name: string; tags?: { language?: string } }>;
    };
    assert.deepEqual(
      probe.streams.filter((s) => s.codec_type === 'subtitle').map((s) => [s.codec_name, s.tags?.language]),
      [
        ['subrip', 'ger'],
        ['subrip', 'eng'],
      ],
    );
    const burned = path.join(scratch.dir, 'burned.mp4');
    const burn = await cli('subtitles', video, '--burn', '-o', burned, '--track', String(de!.id), '--style', 'box');
    assert.equal(burn.code, 0, burn.stderr);
    const again = await cli('subtitles', video, '--burn', '-o', burned);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /already exists/);
    const usage = await cli('subtitles', video, '--burn', '-o', burned, '--style', 'fancy');
    assert.equal(usage.code, 2);
  } finally {
    scratch.cleanup();
  }
});
