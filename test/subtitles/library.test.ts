import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';
import { parseSubtitleFile } from '../../core/subtitles/parse.js';
import { FramewiseError } from '../../core/util/errors.js';
import { ass, brokenSrt, expectedCues, srt, whisper } from './samples.js';

const span = (cues: Array<{ startMs: number; endMs: number; text: string }>) => cues.map((c) => `${c.startMs}-${c.endMs} ${c.text}`);

test('tracks in the library: import each format, edit, undo/redo, stale edits refused, export cue by cue', async () => {
  const scratch = tempDir('framewise-subs-lib-');
  const { core, close } = await openTempCore();
  try {
    const video = await media.mp4(10, 'subs-10s.mp4');
    await importAndWait(core, [video]);
    const v = (await core.call('videos.resolve', { video })).videoId;
    const files = { 'a.srt': srt, 'a.ass': ass, 'a.json': whisper, 'broken.srt': brokenSrt };
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(scratch.dir, name), text);

    const s = await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'a.srt'), language: 'de', title: 'Deutsch' });
    assert.equal(s.track.cueCount, 3);
    assert.equal(s.track.language, 'de');
    const a = await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'a.ass') });
    assert.equal(a.format, 'ass');
    const w = await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'a.json'), kind: 'captions' });
    assert.equal(w.track.cueCount, 2);
    assert.equal((await core.call('subtitles.cues', { video: v, track: w.track.id })).cues[0]!.words?.length, 3);

    // A file with unrepairable lines is refused whole: no track, no cues.
    await assert.rejects(
      core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'broken.srt') }),
      /line 6: unreadable timing/,
    );
    assert.equal((await core.call('subtitles.list', { video: v })).tracks.length, 3);

    // Stored cues read back exactly (ms, markup, positions).
    const stored = (await core.call('subtitles.cues', { video: v, track: s.track.id })).cues;
    assert.deepEqual(span(stored), span(expectedCues));
    assert.equal(stored[2]!.align, 8);

    // Edits: update text and time, split, merge, add, delete; each one history entry.
    const t = s.track.id;
    let c = await core.call('subtitles.update', { video: v, track: t, id: stored[0]!.id, text: 'Hallo Köln', startMs: 1040 });
    assert.deepEqual(span(c.cues).slice(0, 1), ['1040-2500 Hallo Köln']);
    const edited = c.cues[0]!;
    // The old revision is stale now: an edit naming it is refused, nothing changes.
    await assert.rejects(
      core.call('subtitles.update', { video: v, track: t, id: stored[0]!.id, text: 'lost' }),
      (e: unknown) => e instanceof FramewiseError && e.code === 'conflict',
    );
    c = await core.call('subtitles.split', { video: v, track: t, id: edited.id, atMs: 1800 });
    assert.deepEqual(span(c.cues).slice(0, 2), ['1040-1800 Hallo', '1800-2500 Köln']);
    c = await core.call('subtitles.merge', { video: v, track: t, ids: [c.cues[0]!.id, c.cues[1]!.id] });
    assert.deepEqual(span(c.cues).slice(0, 1), ['1040-2500 Hallo\nKöln']);
    c = await core.call('subtitles.add', { video: v, track: t, startMs: 8000, endMs: 9000, text: 'Neu' });
    assert.equal(c.cues.length, 4);
    c = await core.call('subtitles.delete', { video: v, track: t, ids: [c.cues[3]!.id] });
    assert.equal(c.cues.length, 3);
    await assert.rejects(
      core.call('subtitles.add', { video: v, track: t, startMs: 9000, endMs: 11_000, text: 'x' }),
      /end by the video's end/,
    );

    // Undo everything back to the import, then redo one step; the history is append-only.
    for (const op of ['delete', 'add', 'merge', 'split', 'update']) {
      const u = await core.call('subtitles.undo', { video: v });
      assert.equal(u.entry!.op, 'undo');
      assert.equal(u.undoOp, ['add', 'merge', 'split', 'update', null][['delete', 'add', 'merge', 'split', 'update'].indexOf(op)]);
    }
    assert.deepEqual(span((await core.call('subtitles.cues', { video: v, track: t })).cues), span(expectedCues));
    await assert.rejects(core.call('subtitles.undo', { video: v }), /Nothing to undo/);
    c = await core.call('subtitles.redo', { video: v });
    assert.deepEqual(span(c.cues).slice(0, 1), ['1040-2500 Hallo Köln']);
    // A redo with a stale expectation is refused.
    await assert.rejects(core.call('subtitles.redo', { video: v, expectedEntryId: 1 }), /changed elsewhere/);
    const history = await core.call('subtitles.history', { video: v });
    assert.deepEqual(
      history.map((e) => e.op),
      ['update', 'split', 'merge', 'add', 'delete', 'undo', 'undo', 'undo', 'undo', 'undo', 'redo'],
    );

    // Export: SRT and VTT read back cue by cue; the ASS track exports as ASS with its styles.
    const now = (await core.call('subtitles.cues', { video: v, track: t })).cues;
    for (const format of ['srt', 'vtt'] as const) {
      const text = (await core.call('subtitles.export', { video: v, track: t, format })).text;
      assert.deepEqual(span(parseSubtitleFile(Buffer.from(text), `x.${format}`).cues), span(now));
    }
    const assOut = (await core.call('subtitles.export', { video: v, track: a.track.id, format: 'ass' })).text;
    assert.match(assOut, /Style: Sign,/);
    assert.match(assOut, /Dialogue: 0,0:00:05\.00,0:00:07\.00,Sign,,0,0,0,,\{\\an8\}Oben: größer, mit Komma/);
  } finally {
    await close();
    scratch.cleanup();
  }
});

test('timing helpers: shift, stretch by two anchors, snap to speech, cues from speech, warnings per cue', async () => {
  const scratch = tempDir('framewise-subs-timing-');
  const { core, close } = await openTempCore();
  try {
    const video = await media.mp4(10, 'subs-10s.mp4');
    await importAndWait(core, [video]);
    const v = (await core.call('videos.resolve', { video })).videoId;
    writeFileSync(path.join(scratch.dir, 'a.srt'), srt);
    const t = (await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'a.srt') })).track.id;

    let c = await core.call('subtitles.shift', { video: v, track: t, offsetMs: 1500 });
    assert.deepEqual(
      c.cues.map((x) => [x.startMs, x.endMs]),
      [
        [2500, 4000],
        [4500, 5750],
        [6501, 8499],
      ],
    );
    // Only selected cues, backwards.
    c = await core.call('subtitles.shift', { video: v, track: t, offsetMs: -500, ids: [c.cues[0]!.id] });
    assert.deepEqual(c.cues[0]!.startMs, 2000);
    await core.call('subtitles.undo', { video: v });
    await core.call('subtitles.undo', { video: v });

    // Drift: the subtitle at 1000 should be at 1100, the one at 5001 at 5501 → linear map through both.
    c = await core.call('subtitles.stretch', {
      video: v,
      track: t,
      anchors: [
        { fromMs: 1000, toMs: 1100 },
        { fromMs: 5001, toMs: 5501 },
      ],
    });
    assert.deepEqual(
      c.cues.map((x) => [x.startMs, x.endMs]),
      [
        [1100, 2750],
        [3300, 4675],
        [5501, 7699],
      ],
    );
    await core.call('subtitles.undo', { video: v });

    // Snap edges to speech boundaries within 300 ms; the far one stays.
    c = await core.call('subtitles.snap', {
      video: v,
      track: t,
      toleranceMs: 300,
      speech: [
        { startMs: 900, endMs: 2600 },
        { startMs: 3200, endMs: 4000 },
        { startMs: 9000, endMs: 9500 },
      ],
    });
    assert.deepEqual(
      c.cues.map((x) => [x.startMs, x.endMs]),
      [
        [900, 2600],
        [3200, 4000],
        [5001, 6999],
      ],
    );
    assert.equal(c.entry!.op, 'snap');
    await core.call('subtitles.undo', { video: v });

    // Without given segments, the video's `speech` lane is used (what the voice activity detector writes;
    // here drawn by a reviewer): 22.5–65 frames at 25 fps = 900–2600 ms.
    await assert.rejects(core.call('subtitles.snap', { video: v, track: t }), /no speech segments yet/);
    await core.call('segments.add', { video: v, label: 'speech', startFrame: 23, endFrame: 65 });
    c = await core.call('subtitles.snap', { video: v, track: t });
    assert.deepEqual(
      c.cues.map((x) => [x.startMs, x.endMs]),
      [
        [920, 2600],
        [3000, 4250],
        [5001, 6999],
      ],
    );

    // Cues from speech on an empty track made here: long speech split, short pauses bridged.
    const made = await core.call('subtitles.create', { video: v, language: 'de', title: 'Transkript' });
    c = await core.call('subtitles.fromSpeech', {
      video: v,
      track: made.id,
      maxMs: 3000,
      speech: [
        { startMs: 500, endMs: 1200 },
        { startMs: 1300, endMs: 2000 },
        { startMs: 3000, endMs: 8000 },
      ],
    });
    assert.deepEqual(
      c.cues.map((x) => [x.startMs, x.endMs, x.text]),
      [
        [500, 2000, '…'],
        [3000, 5500, '…'],
        [5500, 8000, '…'],
      ],
    );

    // Warnings: too fast, too long a line, overlap, gap.
    await core.call('subtitles.add', {
      video: v,
      track: made.id,
      startMs: 8000,
      endMs: 8500,
      text: 'Dieser Satz ist viel zu lang für eine einzige Zeile im Bild',
    });
    await core.call('subtitles.add', { video: v, track: made.id, startMs: 8400, endMs: 9800, text: 'ok' });
    const w = await core.call('subtitles.check', { video: v, track: made.id });
    const kinds = w.warnings.map((x) => `${x.index}:${x.kind}`);
    for (const k of ['3:too_fast', '3:line_too_long', '3:overlap', '2:gap_too_short'])
      assert.ok(kinds.includes(k), `${k} in ${kinds.join(', ')}`);

    // Enforce: the too-fast cue cannot grow (the next cue follows at once) but its overlap is cut to leave the gap;
    // a lone short cue is lengthened towards its reading time (up to the video's end). One undoable entry.
    await core.call('subtitles.add', { video: v, track: made.id, startMs: 9850, endMs: 9900, text: 'Kurz' });
    const enforced = await core.call('subtitles.enforce', { video: v, track: made.id });
    assert.equal(enforced.entry!.op, 'enforce');
    assert.deepEqual(
      enforced.cues.slice(1, 5).map((x) => [x.startMs, x.endMs]),
      [
        [3000, 5420],
        [5500, 7920],
        [8000, 8320],
        [8400, 9770],
      ],
    );
    assert.ok(enforced.cues[5]!.endMs >= 9990 && enforced.cues[5]!.endMs <= 10_086, String(enforced.cues[5]!.endMs));
    const after = await core.call('subtitles.check', { video: v, track: made.id });
    assert.ok(!after.warnings.some((x) => x.kind === 'overlap' || x.kind === 'gap_too_short'), JSON.stringify(after.warnings));
    await core.call('subtitles.undo', { video: v });
    assert.equal((await core.call('subtitles.cues', { video: v, track: made.id })).cues[3]!.endMs, 8500);
  } finally {
    await close();
    scratch.cleanup();
  }
});
