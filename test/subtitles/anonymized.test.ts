import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { mapThroughKept } from '../../core/subtitles/anonymized.js';
import { parseSubtitleFile } from '../../core/subtitles/parse.js';
import { endo, endoscopyVideo } from '../anonymize/endoscopy-media.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpegPath, ffprobePath } from '../helpers/media.js';

const run = promisify(execFile);

test('mapping cues through kept ranges: cut parts vanish, a cue across a cut is split, later cues move up', () => {
  const cue = (startMs: number, endMs: number, text: string) => ({ startMs, endMs, text, align: null, style: null });
  const kept = [
    { startFrame: 0, endFrame: 125 },
    { startFrame: 175, endFrame: 300 },
  ];
  const out = mapThroughKept([cue(1000, 6000, 'a'), cue(5200, 6800, 'cut'), cue(8000, 9000, 'b')], kept, { num: 25, den: 1 });
  assert.deepEqual(
    out.map((c) => [c.startMs, c.endMs, c.text]),
    [
      [1000, 5000, 'a'],
      [6000, 7000, 'b'],
    ],
  );
});

test('anonymized exports carry no subtitles; a reviewed track can be kept explicitly (mapped through the cuts)', async () => {
  const file = await endoscopyVideo();
  const { core, close } = await openTempCore();
  const out = tempDir('framewise-subs-anon-');
  try {
    const [imp] = await importAndWait(core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const embedded = (await core.call('subtitles.list', { video: videoId })).embedded;
    assert.equal(embedded.length, 1);
    const track = (await core.call('subtitles.importStream', { video: videoId, stream: embedded[0]!.index })).track;
    assert.match((await core.call('subtitles.cues', { video: videoId, track: track.id })).cues[0]!.text, /Jürgen Müller-Weiß/);

    const { job } = await core.call('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      overrides: {
        region: endo.region,
        textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
        segments: [{ ...endo.outside, label: 'outside', validated: true }],
        patient: endo.patient,
      },
      who: 'dr-test',
    });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    const streams = async (f: string) =>
      (
        JSON.parse((await run(await ffprobePath(), ['-v', 'error', '-show_streams', '-of', 'json', f])).stdout) as {
          streams: Array<{ codec_type: string }>;
        }
      ).streams;
    assert.ok(!(await streams(res.outputPath)).some((s) => s.codec_type === 'subtitle'), 'the anonymized export has no subtitle stream');
    const exportId = (await core.call('anonymize.exports', { video: videoId }))[0]!.id;

    // Not reviewed: refused, saying why. The track must be named explicitly.
    const kept = path.join(out.dir, 'with-subtitles.mkv');
    await assert.rejects(
      core.call('subtitles.mux', { video: videoId, tracks: [track.id], output: kept, anonymizedExport: exportId }),
      /not marked reviewed.*may name the patient/,
    );
    await assert.rejects(core.call('subtitles.mux', { video: videoId, output: kept, anonymizedExport: exportId }), /named explicitly/);

    // A person reviewed (and edited) it: kept in a new copy of the verified export, times follow the cut (5–7 s removed).
    const cue = (await core.call('subtitles.cues', { video: videoId, track: track.id })).cues[0]!;
    await core.call('subtitles.update', { video: videoId, track: track.id, id: cue.id, text: 'Befund ohne Namen' });
    await core.call('subtitles.updateTrack', { video: videoId, track: track.id, reviewed: true });
    const mux = await core.call('subtitles.mux', { video: videoId, tracks: [track.id], output: kept, anonymizedExport: exportId });
    const m = await core.services.jobs.waitFor(mux.job.id, 120_000);
    assert.equal(m.state, 'succeeded', JSON.stringify(m.error));
    const subIndex = (await streams(kept)).findIndex((s) => s.codec_type === 'subtitle');
    assert.ok(subIndex > 0);
    const { stdout } = await run(await ffmpegPath(), ['-v', 'error', '-i', kept, '-map', `0:${subIndex}`, '-f', 'srt', 'pipe:1']);
    assert.deepEqual(
      parseSubtitleFile(Buffer.from(stdout), 'k.srt').cues.map((c) => [c.startMs, c.endMs, c.text]),
      [
        [0, 5000, 'Befund ohne Namen'],
        [5000, 8000, 'Befund ohne Namen'],
      ],
    );
  } finally {
    await close();
    out.cleanup();
  }
});
