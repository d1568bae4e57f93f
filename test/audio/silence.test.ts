import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { peerFixture } from '../helpers/fixtures.js';
import { tempDir, openTempCore, importAndWait } from '../helpers/library.js';
import { generated, lavfi, ffprobePath } from '../helpers/media.js';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFrameCodes, speechOverNoise, toneGapTone, vfrToneGap, SPEECH_AT, VFR_SOURCE_FRAMES } from './speech-media.js';
import { VoiceActivityDetector } from '../../core/speech/vad.js';

const execFileAsync = promisify(execFile);

async function streamDurations(file: string): Promise<{ video: number; audio: number; frames: number }> {
  const { stdout } = await execFileAsync(await ffprobePath(), [
    '-v',
    'error',
    '-count_frames',
    '-show_entries',
    'stream=codec_type,duration,nb_read_frames',
    '-of',
    'json',
    file,
  ]);
  const s = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; duration: string; nb_read_frames?: string }> }).streams;
  const v = s.find((x) => x.codec_type === 'video')!;
  const a = s.find((x) => x.codec_type === 'audio')!;
  return { video: Number(v.duration), audio: Number(a.duration), frames: Number(v.nb_read_frames) };
}

/** Each frame's source number (spelled by its stripes, see vfrToneGap) and presentation time, in order. */
async function codedFrames(file: string): Promise<Array<{ source: number; time: number }>> {
  const codes = await readFrameCodes(file);
  const { stdout: pts } = await execFileAsync(await ffprobePath(), [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'packet=pts_time',
    '-of',
    'csv=p=0',
    file,
  ]);
  const times = pts
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => Number(l.split(',')[0]))
    .sort((a, b) => a - b);
  assert.equal(codes.length, times.length);
  return codes.map((source, i) => ({ source, time: times[i]! }));
}

interface SilenceJson {
  silences: Array<{ start: number; end: number }>;
  keep: Array<{ start: number; end: number }>;
  keptDuration: number;
}

describe('framewise silence', () => {
  const lib = tempDir();
  after(() => lib.cleanup());

  test("auto-editor parity: its example.mp4 keeps 17.433 s with auto-editor's defaults (±0.05 s)", async (t) => {
    const dir = peerFixture(t, 'auto-editor');
    if (!dir) return;
    const r = await runCli(['--data-dir', lib.dir, 'silence', path.join(dir, 'example.mp4'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as SilenceJson;
    assert.ok(Math.abs(res.keptDuration - 17.433) <= 0.05, `kept ${res.keptDuration}`);
    // auto-editor's keep intervals (SOURCE.md): each edge is found within 0.05 s.
    for (const [s, e] of [
      [0, 0.8],
      [1.133, 13.167],
      [13.667, 17.4],
      [39.8, 40.667],
    ] as const) {
      assert.ok(
        res.keep.some((k) => Math.abs(k.start - s) <= 0.05),
        `a kept part starts at ${s}: ${JSON.stringify(res.keep)}`,
      );
      assert.ok(
        res.keep.some((k) => Math.abs(k.end - e) <= 0.05),
        `a kept part ends at ${e}: ${JSON.stringify(res.keep)}`,
      );
    }
    // keep and silences tile the timeline without overlap
    const all = [...res.keep, ...res.silences].sort((a, b) => a.start - b.start);
    for (let i = 1; i < all.length; i++) assert.ok(Math.abs(all[i]!.start - all[i - 1]!.end) < 1e-6);
  });

  test('--remove writes the cut file in one pass: kept length, audio and video in sync within one frame', async (t) => {
    const dir = peerFixture(t, 'auto-editor');
    if (!dir) return;
    const out = path.join(lib.dir, 'example-cut.mp4');
    const r = await runCli(['--data-dir', lib.dir, 'silence', path.join(dir, 'example.mp4'), '--remove', '-o', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as SilenceJson & { output: string };
    assert.equal(res.output, out);
    const d = await streamDurations(out);
    const frame = 1 / 30;
    assert.ok(Math.abs(d.video - res.keptDuration) <= frame, `video ${d.video} vs kept ${res.keptDuration}`);
    assert.ok(Math.abs(d.audio - d.video) <= frame, `audio ${d.audio} vs video ${d.video}`);
    assert.equal(d.frames, Math.round(res.keptDuration * 30));
    assert.deepEqual(
      readdirSync(lib.dir).filter((f) => f.includes('.partial')),
      [],
    );
  });

  test('a clear gap is cut exactly (tone 0–3 s, silence 3–7 s, tone 7–12 s); speed mode plays it 4× faster', async () => {
    const file = await toneGapTone();
    const r = await runCli(['--data-dir', lib.dir, 'silence', file, '--json', '--remove', '-o', path.join(lib.dir, 'gap-cut.mp4')]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as SilenceJson;
    assert.equal(res.silences.length, 1, JSON.stringify(res));
    // AAC's onset smear is a frame at most; the 0.2 s margins sit on either side of the gap.
    assert.ok(Math.abs(res.silences[0]!.start - 3.2) <= 0.041, JSON.stringify(res.silences));
    assert.ok(Math.abs(res.silences[0]!.end - 6.8) <= 0.041, JSON.stringify(res.silences));
    const cut = await streamDurations(path.join(lib.dir, 'gap-cut.mp4'));
    assert.ok(Math.abs(cut.video - res.keptDuration) <= 0.04 && Math.abs(cut.audio - cut.video) <= 0.04, JSON.stringify(cut));

    const s = await runCli([
      '--data-dir',
      lib.dir,
      'silence',
      file,
      '--json',
      '--remove',
      '--speed',
      '4',
      '-o',
      path.join(lib.dir, 'gap-fast.mp4'),
    ]);
    assert.equal(s.code, 0, s.stderr);
    const fast = await streamDurations(path.join(lib.dir, 'gap-fast.mp4'));
    const gap = res.silences[0]!.end - res.silences[0]!.start;
    const expected = res.keptDuration + Math.ceil((gap * 25) / 4) / 25;
    assert.ok(Math.abs(fast.video - expected) <= 0.04, `sped-up length ${fast.video} vs ${expected}`);
    assert.ok(Math.abs(fast.audio - fast.video) <= 0.04, JSON.stringify(fast));
  });

  test('variable frame rate: cut (and speed-up) by presentation time, exactly the frames inside the kept times, A/V within one frame', async () => {
    const file = await vfrToneGap();
    const cutFile = path.join(lib.dir, 'vfr-cut.mp4');
    const r = await runCli(['--data-dir', lib.dir, 'silence', file, '--json', '--remove', '-o', cutFile]);
    assert.equal(r.code, 0, r.stderr);
    const res = JSON.parse(r.stdout) as SilenceJson;
    assert.equal(res.silences.length, 1, JSON.stringify(res));
    const gap = res.silences[0]!;
    assert.ok(Math.abs(gap.start - 3.2) <= 0.05 && Math.abs(gap.end - 6.8) <= 0.05, JSON.stringify(gap));

    /** The source frames an edit should show and when: kept parts as they are, the gap `speed`× faster. */
    const expected = (speed: number | null) => {
      const parts = [...res.keep.map((k) => ({ ...k, speed: 1 })), ...(speed ? [{ ...gap, speed }] : [])].sort((a, b) => a.start - b.start);
      const out: Array<{ source: number; time: number }> = [];
      let offset = 0;
      for (const p of parts) {
        let lastSlot = -1;
        for (const n of VFR_SOURCE_FRAMES) {
          const t = n / 25;
          if (t < p.start - 1e-6 || t >= p.end - 1e-6) continue;
          // Sped up: the first frame of each 1/25 s of output time (no more frames per second than the source).
          const slot = Math.floor(((t - p.start) * 25) / p.speed + 1e-6);
          if (p.speed > 1 && slot === lastSlot) continue;
          lastSlot = slot;
          out.push({ source: n, time: (t - p.start) / p.speed + offset });
        }
        offset += (p.end - p.start) / p.speed;
      }
      return { frames: out, duration: offset };
    };
    const check = async (output: string, want: ReturnType<typeof expected>) => {
      const got = await codedFrames(output);
      assert.deepEqual(
        got.map((f) => f.source),
        want.frames.map((f) => f.source),
      );
      // Each frame shows when it showed in the source, less the time removed (or compressed) before it.
      got.forEach((f, i) =>
        assert.ok(Math.abs(f.time - want.frames[i]!.time) <= 0.002, `frame ${f.source} at ${f.time}, want ${want.frames[i]!.time}`),
      );
      const d = await streamDurations(output);
      assert.ok(Math.abs(d.video - want.duration) <= 1 / 25, `video ${d.video} vs ${want.duration}`);
      assert.ok(Math.abs(d.audio - d.video) <= 1 / 25, `audio ${d.audio} vs video ${d.video}`);
    };
    const cut = expected(null);
    assert.ok(Math.abs(cut.duration - res.keptDuration) < 1e-3);
    await check(cutFile, cut);

    const fastFile = path.join(lib.dir, 'vfr-fast.mp4');
    const s = await runCli(['--data-dir', lib.dir, 'silence', file, '--json', '--remove', '--speed', '4', '-o', fastFile]);
    assert.equal(s.code, 0, s.stderr);
    await check(fastFile, expected(4));
  });

  test('a video without audio is refused with no_audio_stream, naming the file', async () => {
    const file = await generated('video-only-2s.mp4', (out) => [
      ...lavfi.video({ duration: 2 }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      out,
    ]);
    const r = await runCli(['--data-dir', lib.dir, 'silence', file, '--json']);
    assert.equal(r.code, 1);
    const res = JSON.parse(r.stdout) as { error: { code: string; message: string } };
    assert.equal(res.error.code, 'no_audio_stream');
    assert.match(res.error.message, /video-only-2s\.mp4 has no audio stream/);
  });

  test('several videos: one result each and one summary naming the failure', async () => {
    const good = await toneGapTone();
    const silent = await generated('video-only-2s.mp4', (out) => [
      ...lavfi.video({ duration: 2 }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      out,
    ]);
    const r = await runCli(['--data-dir', lib.dir, 'silence', good, silent, '--json']);
    assert.equal(r.code, 1);
    const res = JSON.parse(r.stdout) as {
      results: Array<{ input: string; status: string; keptDuration?: number }>;
      summary: { done: number; failed: number; failures: Array<{ input: string; reason: string }> };
    };
    assert.equal(res.results.length, 2);
    assert.deepEqual([res.summary.done, res.summary.failed], [1, 1]);
    assert.match(res.summary.failures[0]!.reason, /video-only-2s\.mp4 has no audio stream/);
    assert.ok((res.results.find((x) => x.status === 'done')!.keptDuration ?? 0) > 8);
  });

  test('usage errors: missing output folder is reported before any work', async () => {
    const file = await toneGapTone();
    const r = await runCli([
      '--data-dir',
      lib.dir,
      'silence',
      file,
      '--remove',
      '-o',
      path.join(lib.dir, 'no-such-dir', 'x.mp4'),
      '--json',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout + r.stderr, /output folder .*no-such-dir does not exist/);
    assert.ok(!existsSync(path.join(lib.dir, 'no-such-dir')));
  });
});

describe('speech detection (Silero VAD) and the silence/speech lanes', () => {
  let env: Awaited<ReturnType<typeof openTempCore>>;
  before(async () => {
    env = await openTempCore();
  });
  after(async () => env.close());

  test('finds the spoken sentences over steady noise that a loudness threshold cannot separate', async () => {
    const file = await speechOverNoise();
    const [imp] = await importAndWait(env.core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;

    const loud = await env.core.services.jobs.waitFor((await env.core.call('audio.detect', { videoId, method: 'loudness' })).job.id);
    assert.equal(loud.state, 'succeeded', JSON.stringify(loud.error));
    const lres = loud.output as SilenceJson;
    assert.ok(lres.keptDuration > 29, `noise is loud everywhere: kept ${lres.keptDuration}`);

    const sp = await env.core.services.jobs.waitFor(
      (await env.core.call('audio.detect', { videoId, method: 'speech', margin: 0.2 })).job.id,
    );
    assert.equal(sp.state, 'succeeded', JSON.stringify(sp.error));
    const sres = sp.output as SilenceJson & { speech: Array<{ start: number; end: number }> };
    // Speech only inside the two spoken sentences (about 6 s each), all of both sentences covered.
    for (const s of sres.speech)
      assert.ok(
        SPEECH_AT.some((at) => s.start >= at - 0.3 && s.end <= at + 6.3),
        `speech outside the sentences: ${JSON.stringify(s)}`,
      );
    for (const at of SPEECH_AT) {
      const covered = sres.speech
        .filter((s) => s.start < at + 6 && s.end > at)
        .reduce((a, s) => a + Math.min(s.end, at + 6) - Math.max(s.start, at), 0);
      assert.ok(covered > 4.5, `sentence at ${at}s covered ${covered.toFixed(2)} s`);
    }
    assert.ok(sres.keptDuration > 10 && sres.keptDuration < 15, `kept ${sres.keptDuration}`);
    // The detector runs over the whole file (its speed, real-time factor ≤ 0.05, is measured by `npm run bench`,
    // not here: a timed assertion fails on a loaded machine).
    const vad = await VoiceActivityDetector.create();
    try {
      const probs = await vad.probabilities(env.core.services.ffmpeg, file);
      assert.ok(probs.length >= 930, `${probs.length} windows`);
    } finally {
      await vad.close();
    }

    // The lanes are ordinary segments: listed, editable, undoable.
    const speechLane = await env.core.call('segments.list', { video: videoId, labels: ['speech'] });
    assert.equal(speechLane.length, sres.keep.length);
    const silenceLane = await env.core.call('segments.list', { video: videoId, labels: ['silence'] });
    assert.equal(silenceLane.length, lres.silences.length);
    await env.core.call('segments.delete', { video: videoId, ids: [speechLane[0]!.id] });
    assert.equal((await env.core.call('segments.list', { video: videoId, labels: ['speech'] })).length, speechLane.length - 1);
    await env.core.call('segments.undo', { video: videoId });
    assert.equal((await env.core.call('segments.list', { video: videoId, labels: ['speech'] })).length, speechLane.length);

    // Re-running detection keeps a reviewer's edit.
    const first = (await env.core.call('segments.list', { video: videoId, labels: ['speech'] }))[0]!;
    await env.core.call('segments.update', { video: videoId, id: first.id, endFrame: first.endFrame - 5 });
    await env.core.services.jobs.waitFor((await env.core.call('audio.detect', { videoId, method: 'speech', margin: 0.2 })).job.id);
    const again = await env.core.call('segments.list', { video: videoId, labels: ['speech'] });
    assert.ok(again.some((s) => s.source === 'reviewer' && s.endFrame === first.endFrame - 5));
    assert.equal(again.length, speechLane.length);

    // Apply the edited speech lane: the output is exactly the lane's frames.
    const out = path.join(env.dataDir, 'speech-only.mp4');
    const job = await env.core.services.jobs.waitFor((await env.core.call('audio.apply', { videoId, lane: 'speech', output: out })).job.id);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const frames = again.reduce((a, s) => a + s.endFrame - s.startFrame, 0);
    const d = await streamDurations(out);
    assert.equal(d.frames, frames);
    assert.ok(Math.abs(d.audio - d.video) <= 0.04, JSON.stringify(d));
  });
});
