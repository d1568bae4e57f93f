import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { runCli } from '../helpers/cli.js';
import { subtitleCues } from '../helpers/scenes.js';
import { bitmapSubtitledMkv } from '../helpers/bitmap-subtitles.js';

interface File {
  path: string;
  mode: string;
  note: string | null;
}

const BOTH = /bitmap subtitle track 2 \(hdmv_pgs_subtitle, eng\) and subtitle track 3 \(dvd_subtitle, fra\)/;

test('clips export and merge: bitmap subtitles (PGS, DVD) travel with copies; where they cannot, each file names the tracks left out and why', async () => {
  const lib = await openTempCore();
  const out = tempDir('framewise-clips-bitmap-subs-');
  try {
    // 4 s, a keyframe every 25 frames; tracks: SubRip, PGS, DVD subtitles (cues at 0.5–1.5 s and 2.5–3.5 s).
    const source = await bitmapSubtitledMkv();
    const [imported] = await importAndWait(lib.core, [source]);
    assert.equal(imported!.state, 'succeeded', JSON.stringify(imported!.error));
    const video = (imported!.output as { videoId: number }).videoId;
    const d = await lib.core.call('scenes.detect', { video, detector: 'content' });
    if (d.jobId) assert.equal((await lib.core.services.jobs.waitFor(d.jobId, 120_000)).state, 'succeeded');
    let c = await lib.core.call('clips.fromScenes', { video });
    c = await lib.core.call('clips.split', { video, id: c.clips[0]!.id, frame: 60 });
    const exportClips = async (mode: 'copy' | 'accurate' | 'smart', join = false): Promise<File> => {
      const ids = join ? c.clips.map((x) => x.id) : [c.clips[1]!.id];
      const { jobId } = await lib.core.call('clips.export', {
        video,
        dir: out.dir,
        ids,
        mode,
        join,
        pattern: `${mode}${join ? '-join' : ''}-{n}`,
      });
      const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      return (job.output as { files: File[] }).files[0]!;
    };
    // Copies (and smart cuts, whose copied part carries them) keep every track; nothing to say.
    for (const mode of ['copy', 'smart'] as const) {
      const file = await exportClips(mode);
      assert.equal(file.mode, mode);
      assert.equal(file.note, null, mode);
      assert.deepEqual((await subtitleCues(file.path)).codecs, ['subrip', 'hdmv_pgs_subtitle', 'dvd_subtitle'], mode);
    }
    // Re-encoded (MP4): the text track travels, cut to the clip (from 2.4 s: the cue of 2.5–3.5 s at 0.1–1.1 s);
    // the bitmap tracks cannot, and the file says so. (It was silent, and lost the text track too when a file
    // had both kinds.)
    const accurate = await exportClips('accurate');
    const cues = await subtitleCues(accurate.path);
    assert.deepEqual(cues.codecs, ['mov_text']);
    assert.deepEqual(cues.cues[0], [[0.1, 1.1]]);
    assert.match(accurate.note ?? '', BOTH);
    assert.match(accurate.note!, /left out: re-encoded clips carry text subtitles only; bitmap subtitles travel with copy exports/);
    // Joined: the text track laid out, the bitmap ones named.
    const joined = await exportClips('copy', true);
    assert.deepEqual((await subtitleCues(joined.path)).codecs, ['subrip']);
    assert.match(joined.note ?? '', BOTH);
    assert.match(joined.note!, /left out: joined clips carry text subtitles only/);
    // framewise merge --json: one note per input.
    const merged = path.join(out.dir, 'merged.mkv');
    const r = await runCli(['--data-dir', path.join(out.dir, 'cli-data'), 'merge', source, source, '-o', merged, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const notes = (JSON.parse(r.stdout) as { notes?: string[] }).notes ?? [];
    assert.equal(notes.length, 2, r.stdout);
    for (const n of notes) {
      assert.match(n, BOTH);
      assert.ok(n.includes(`of ${source} left out: merged files carry text subtitles only`), n);
    }
    assert.deepEqual((await subtitleCues(merged)).codecs, ['subrip']);
  } finally {
    await lib.close();
    out.cleanup();
  }
});
