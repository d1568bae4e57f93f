import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpegPath, ffprobePath, media } from '../helpers/media.js';
import {
  CUTS_EXPECTED,
  anamorphicCuts,
  delayedCuts,
  gopMedia,
  longerMedia,
  rotatedCuts,
  sceneMedia,
  subtitleCues,
  subtitledMedia,
  subtitledMkv,
} from '../helpers/scenes.js';
import { keyframeFrames } from '../../core/clips/media.js';
import type { Core as CoreHandle } from '../../core/core.js';
import { FramewiseError } from '../../core/util/errors.js';

const run = promisify(execFile);

async function importOne(core: CoreHandle, file: string): Promise<number> {
  const [job] = await importAndWait(core, [file]);
  assert.equal(job!.state, 'succeeded', JSON.stringify(job!.error));
  return (job!.output as { videoId: number }).videoId;
}

async function clipsFromScenes(core: CoreHandle, video: number) {
  const first = await core.call('scenes.detect', { video, detector: 'content' });
  if (first.jobId) assert.equal((await core.services.jobs.waitFor(first.jobId, 120_000)).state, 'succeeded');
  return core.call('clips.fromScenes', { video });
}

/** Decoded frame count and duration of a file's first video stream, and its audio stream count. */
async function probe(file: string) {
  const { stdout } = await run(await ffprobePath(), [
    '-v',
    'error',
    '-count_frames',
    '-show_entries',
    'stream=codec_type,nb_read_frames',
    '-of',
    'json',
    file,
  ]);
  const streams = (JSON.parse(stdout) as { streams: Array<{ codec_type: string; nb_read_frames?: string }> }).streams;
  return {
    frames: Number(streams.find((s) => s.codec_type === 'video')?.nb_read_frames),
    audio: streams.filter((s) => s.codec_type === 'audio').length,
  };
}

/** PSNR (dB) between frame `fa` of file a and frame `fb` of file b. */
async function framePsnr(a: string, fa: number, b: string, fb: number): Promise<number> {
  const { stderr } = await run(await ffmpegPath(), [
    '-hide_banner',
    '-i',
    a,
    '-i',
    b,
    '-filter_complex',
    `[0:v]select=eq(n\\,${fa}),setpts=PTS-STARTPTS[x];[1:v]select=eq(n\\,${fb}),setpts=PTS-STARTPTS[y];[x][y]psnr`,
    '-frames:v',
    '1',
    '-f',
    'null',
    '-',
  ]);
  const m = /average:(inf|[\d.]+)/.exec(stderr);
  return m ? (m[1] === 'inf' ? Infinity : Number(m[1])) : NaN;
}

const rejectsWith = async (p: Promise<unknown>, code: string, re?: RegExp) =>
  assert.rejects(p, (e: unknown) => e instanceof FramewiseError && e.code === code && (!re || re.test(e.message)));

test('clips: from scenes; split, merge, move a cut, states; undo/redo in one history; stale ids are conflicts', async () => {
  const lib = await openTempCore();
  try {
    await lib.core.call('settings.set', { key: 'reviewerName', value: 'alice' });
    const video = await importOne(lib.core, await sceneMedia.cuts());
    let c = await clipsFromScenes(lib.core, video);
    assert.deepEqual(
      c.clips.map((x) => [x.startFrame, x.endFrame, x.state]),
      CUTS_EXPECTED.map((f, i) => [f, CUTS_EXPECTED[i + 1] ?? 200, 'pending']),
    );
    const second = c.clips[1]!;
    c = await lib.core.call('clips.split', { video, id: second.id, frame: 70 });
    assert.deepEqual(
      c.clips.map((x) => x.startFrame),
      [0, 50, 70, 90, 150],
    );
    // The split clip's id is a stale revision now.
    await rejectsWith(lib.core.call('clips.split', { video, id: second.id, frame: 60 }), 'conflict', /changed by alice .*split/);
    c = await lib.core.call('clips.moveCut', { video, leftId: c.clips[1]!.id, rightId: c.clips[2]!.id, frame: 72 });
    assert.equal(c.clips[2]!.startFrame, 72);
    c = await lib.core.call('clips.setState', { video, ids: [c.clips[0]!.id, c.clips[3]!.id], state: 'approved' });
    assert.deepEqual(
      c.clips.map((x) => x.state),
      ['approved', 'pending', 'pending', 'approved', 'pending'],
    );
    c = await lib.core.call('clips.merge', { video, ids: [c.clips[1]!.id, c.clips[2]!.id] });
    assert.deepEqual(
      c.clips.map((x) => `${x.startFrame}-${x.endFrame}`),
      ['0-50', '50-90', '90-150', '150-200'],
    );
    await rejectsWith(lib.core.call('clips.merge', { video, ids: [c.clips[0]!.id, c.clips[2]!.id] }), 'usage', /neighbouring/);
    // Undo the merge, the state change and the move; redo one; the history keeps every step.
    c = await lib.core.call('clips.undo', { video });
    assert.deepEqual(
      c.clips.map((x) => x.startFrame),
      [0, 50, 72, 90, 150],
    );
    c = await lib.core.call('clips.undo', { video, expectedEntryId: c.undoEntryId! });
    assert.ok(c.clips.every((x) => x.state === 'pending'));
    c = await lib.core.call('clips.redo', { video });
    assert.equal(c.clips[0]!.state, 'approved');
    await rejectsWith(lib.core.call('clips.undo', { video, expectedEntryId: 1 }), 'conflict', /changed elsewhere/);
    const history = await lib.core.call('clips.history', { video });
    assert.deepEqual(
      history.map((h) => h.op),
      ['detect', 'split', 'move', 'state', 'merge', 'undo', 'undo', 'redo'],
    );
    assert.ok(history.every((h) => h.who === 'alice'));
  } finally {
    await lib.close();
  }
});

test('clips: keyframes (middle, N spread with one-frame margins) and a sprite sheet with a WebVTT track', async () => {
  assert.deepEqual(keyframeFrames(50, 90, 1), [69]);
  assert.deepEqual(keyframeFrames(50, 90, 3), [51, 70, 88]);
  assert.deepEqual(keyframeFrames(10, 11, 3), [10]);
  const lib = await openTempCore();
  try {
    const video = await importOne(lib.core, await sceneMedia.cuts());
    const c = await clipsFromScenes(lib.core, video);
    const images = await lib.core.call('clips.keyframes', { video, id: c.clips[1]!.id, count: 3, format: 'png', width: 160 });
    assert.deepEqual(
      images.map((i) => i.frame),
      [51, 70, 88],
    );
    for (const i of images) assert.deepEqual([...readFileSync(i.path).subarray(1, 4)].map((b) => String.fromCharCode(b)).join(''), 'PNG');
    // The middle keyframe of the smptebars clip is the bars, not the previous scene: mostly saturated colour.
    const sprite = await lib.core.call('clips.sprite', { video, id: c.clips[2]!.id });
    assert.equal(sprite.count, 3);
    assert.ok(
      readFileSync(sprite.path)
        .subarray(0, 2)
        .equals(Buffer.from([0xff, 0xd8])),
    );
    const vtt = readFileSync(sprite.vttPath, 'utf8');
    assert.match(vtt, /^WEBVTT\n\n00:00:03\.600 --> 00:00:04\.400\nsprite-90-150\.jpg#xywh=0,0,160,120\n/);
    assert.equal(vtt.match(/#xywh=/g)?.length, 3);
    // The whole video's track: every clip's tiles, in video time, from 0 to the end (8 s: 2 + 2 + 3 + 2 tiles).
    const track = await lib.core.call('clips.vtt', { video });
    const all = readFileSync(track.vttPath, 'utf8');
    assert.equal(track.cues, 9);
    assert.match(all, /^WEBVTT\n\n00:00:00\.000 --> 00:00:01\.000\nsprite-0-50\.jpg#xywh=0,0,160,120\n/);
    assert.match(all, /00:00:07\.000 --> 00:00:08\.000\nsprite-150-200\.jpg#xywh=160,0,160,120\n$/);

    // The same clip in a file whose picture starts 0.42 s in (10 frames): the same keyframes and sprite tiles,
    // not the earlier frames of the previous scene (seeks count from the file's start, clip times do not).
    const delayed = await importOne(lib.core, await delayedCuts());
    const d = await clipsFromScenes(lib.core, delayed);
    assert.deepEqual(
      d.clips.map((x) => x.startFrame),
      c.clips.map((x) => x.startFrame),
    );
    const shifted = await lib.core.call('clips.keyframes', { video: delayed, id: d.clips[1]!.id, count: 3, format: 'png', width: 160 });
    for (const [k, i] of shifted.entries()) {
      assert.ok((await framePsnr(images[k]!.path, 0, i.path, 0)) > 35, `keyframe ${i.frame} of the delayed picture`);
    }
    const shiftedSprite = await lib.core.call('clips.sprite', { video: delayed, id: d.clips[2]!.id });
    assert.ok((await framePsnr(sprite.path, 0, shiftedSprite.path, 0)) > 30, 'sprite sheet of the delayed picture');
  } finally {
    await lib.close();
  }
});

test('clips export: copy moves the start back to the keyframe (reported), accurate is exact, smart; never overwrites; join', async () => {
  const lib = await openTempCore();
  const out = tempDir('framewise-clips-out-');
  try {
    const source = await gopMedia();
    const video = await importOne(lib.core, source);
    // One clip over the whole video; split at 60 (keyframes every 25 frames: 50 is the one before) and 150.
    await lib.core.call('clips.fromScenes', { video }).catch(() => undefined);
    let c = await clipsFromScenes(lib.core, video);
    assert.equal(c.clips.length, 1);
    c = await lib.core.call('clips.split', { video, id: c.clips[0]!.id, frame: 60 });
    c = await lib.core.call('clips.split', { video, id: c.clips[1]!.id, frame: 150 });
    const exportAndWait = async (input: Record<string, unknown>) => {
      const { jobId } = await lib.core.call('clips.export', { video, dir: out.dir, ...input } as never);
      const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      return (
        job.output as {
          files: Array<{
            path: string;
            clip: number;
            startFrame: number;
            movedFrames: number;
            mode: string;
            note: string | null;
            commands: string[][];
          }>;
        }
      ).files;
    };
    const copy = await exportAndWait({ ids: [c.clips[1]!.id, c.clips[2]!.id], mode: 'copy', pattern: 'copy-{n}' });
    assert.deepEqual(
      copy.map((f) => [path.basename(f.path), f.startFrame, f.movedFrames]),
      [
        ['copy-2.mp4', 60, 10],
        ['copy-3.mp4', 150, 0],
      ],
    );
    // The job's record keeps the exact ffmpeg command lines that wrote each file (binary first, temp output last).
    const ffmpegPath = lib.core.services.ffmpeg.tools.ffmpeg.path;
    const after = (cmd: string[], flag: string) => (cmd.includes(flag) ? cmd[cmd.indexOf(flag) + 1] : undefined);
    const shape = (cmds: string[][]) => cmds.map((cmd) => [cmd[0], after(cmd, '-i'), after(cmd, '-c:v') ?? after(cmd, '-c')]);
    for (const f of copy) {
      assert.deepEqual(shape(f.commands), [[ffmpegPath, source, 'copy']]);
      assert.match(path.basename(f.commands[0]!.at(-1)!), new RegExp(`^\\.${path.basename(f.path)}\\.[0-9a-f]+\\.partial\\.mp4$`));
    }
    const p2 = await probe(copy[0]!.path);
    assert.ok(Math.abs(p2.frames - 100) <= 1, `copy of [60,150) from keyframe 50: ${p2.frames} frames`);
    assert.equal(p2.audio, 1);
    const accurate = await exportAndWait({ ids: [c.clips[1]!.id], mode: 'accurate', pattern: 'acc-{n}' });
    assert.equal((await probe(accurate[0]!.path)).frames, 90);
    assert.deepEqual(shape(accurate[0]!.commands), [[ffmpegPath, source, 'libx264']]);
    assert.equal(accurate[0]!.commands[0]![accurate[0]!.commands[0]!.indexOf('-frames:v') + 1], '90');
    const smart = await exportAndWait({ ids: [c.clips[1]!.id, c.clips[2]!.id], mode: 'smart', pattern: 'smart-{n}' });
    // Clip 2 starts at 60: frames 60–74 re-encoded, 75–149 copied; clip 3 starts on a keyframe: copied.
    assert.deepEqual(
      smart.map((f) => [f.mode, f.note]),
      [
        ['smart', null],
        ['copy', null],
      ],
    );
    // Smart: re-encoded head, copied tail, both joined with the clip's audio; a clip on a keyframe is one copy.
    const [head, tail, join] = smart[0]!.commands;
    assert.equal(smart[0]!.commands.length, 3);
    assert.deepEqual(shape([head!, tail!]), [
      [ffmpegPath, source, 'libx264'],
      [ffmpegPath, source, 'copy'],
    ]);
    assert.deepEqual(join!.slice(join!.indexOf('-f'), join!.indexOf('-f') + 4), ['-f', 'concat', '-safe', '0']);
    assert.equal(smart[1]!.commands.length, 1);
    const ps = await probe(smart[0]!.path);
    assert.equal(ps.frames, 90);
    assert.equal(ps.audio, 1);
    assert.equal((await probe(smart[1]!.path)).frames, 50);
    // The same pictures as the accurate export: re-encoded head (0, 14), copied tail from the keyframe (15, 89).
    for (const f of [0, 14, 15, 89]) {
      const db = await framePsnr(smart[0]!.path, f, accurate[0]!.path, f);
      assert.ok(db > 30, `frame ${f}: ${db} dB`);
    }
    assert.ok((await framePsnr(smart[0]!.path, 15, accurate[0]!.path, 16)) < (await framePsnr(smart[0]!.path, 15, accurate[0]!.path, 15)));
    // Never overwrite: the same names again are refused before anything runs.
    await rejectsWith(
      lib.core.call('clips.export', { video, dir: out.dir, ids: [c.clips[1]!.id], mode: 'copy', pattern: 'copy-{n}' }),
      'conflict',
      /already exists/,
    );
    // Join: the approved clips (2 and 3) as one lossless file.
    await lib.core.call('clips.setState', { video, ids: [c.clips[1]!.id, c.clips[2]!.id], state: 'approved' });
    const joined = await exportAndWait({ mode: 'copy', join: true });
    assert.equal(path.basename(joined[0]!.path), 'scenes-gop25-8s-clips.mp4');
    assert.deepEqual(
      joined[0]!.commands.map((cmd) => cmd.slice(cmd.indexOf('-f'), cmd.indexOf('-f') + 2)),
      [['-f', 'concat']],
    );
    const pj = await probe(joined[0]!.path);
    assert.ok(Math.abs(pj.frames - 150) <= 2, `joined ${pj.frames} frames`);
    assert.ok(!readdirSync(out.dir).some((f) => f.startsWith('.')), 'no temp files left');
  } finally {
    await lib.close();
    out.cleanup();
  }
});

test('clips export: a cancelled export leaves nothing — no file, not even the folders it made — and stops ffmpeg', async () => {
  const lib = await openTempCore();
  const out = tempDir('framewise-clips-cancel-');
  try {
    const video = await importOne(lib.core, await longerMedia());
    const c = await clipsFromScenes(lib.core, video);
    const split = await lib.core.call('clips.split', { video, id: c.clips[0]!.id, frame: 40 });
    const dir = path.join(out.dir, 'new', 'clips');
    const { jobId } = await lib.core.call('clips.export', { video, dir, ids: split.clips.map((x) => x.id), mode: 'accurate' });
    // Wait until the first clip is published and the second is being encoded, then cancel (the test's timeout
    // bounds the wait; a job that ended first fails the assertion below).
    const published = () => existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('-1.mp4'));
    const ended = async () => ['succeeded', 'failed', 'cancelled'].includes((await lib.core.services.jobs.get(jobId)).state);
    while (!published() && !(await ended())) await new Promise((r) => setTimeout(r, 20));
    assert.ok(published(), 'the first clip was published before the cancel');
    await lib.core.services.jobs.cancel(jobId);
    const job = await lib.core.services.jobs.waitFor(jobId, 60_000);
    assert.equal(job.state, 'cancelled');
    assert.deepEqual(readdirSync(out.dir), []);
  } finally {
    await lib.close();
    out.cleanup();
  }
});

test('clips: rotated and anamorphic videos — same cuts, keyframes upright and undistorted', async () => {
  const pngSize = (file: string) => {
    const b = readFileSync(file);
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  };
  const lib = await openTempCore();
  try {
    for (const [file, expected] of [
      [await rotatedCuts(), { width: 160, height: 214 }],
      [await anamorphicCuts(), { width: 160, height: 60 }],
    ] as const) {
      const video = await importOne(lib.core, file);
      const c = await clipsFromScenes(lib.core, video);
      assert.deepEqual(
        c.clips.map((x) => x.startFrame),
        CUTS_EXPECTED,
        file,
      );
      const [img] = await lib.core.call('clips.keyframes', { video, id: c.clips[0]!.id, format: 'png', width: 160 });
      assert.deepEqual(pngSize(img!.path), expected, file);
    }
  } finally {
    await lib.close();
  }
});

test('clips export: smart falls back to accurate, with the reason, where the codec does not allow it (VP9)', async () => {
  const lib = await openTempCore();
  const out = tempDir('framewise-clips-vp9-');
  try {
    const video = await importOne(lib.core, await media.mkvVp9Opus(3));
    let c = await clipsFromScenes(lib.core, video);
    c = await lib.core.call('clips.split', { video, id: c.clips[0]!.id, frame: 40 });
    const { jobId } = await lib.core.call('clips.export', { video, dir: out.dir, ids: [c.clips[1]!.id], mode: 'smart' });
    const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
    assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
    const [file] = (job.output as { files: Array<{ path: string; mode: string; note: string | null }> }).files;
    assert.equal(file!.mode, 'accurate');
    assert.match(file!.note!, /needs H\.264 .*re-encoded/);
    assert.equal((await probe(file!.path)).frames, c.clips[1]!.endFrame - 40);
  } finally {
    await lib.close();
    out.cleanup();
  }
});

/** Cues (seconds) equal to the expected ones within `tolerance` (ASS keeps centiseconds). */
function assertCues(actual: Array<[number, number]>, expected: Array<[number, number]>, what: string, tolerance = 0.002) {
  const ok = actual.length === expected.length && actual.every((c, k) => c.every((t, j) => Math.abs(t - expected[k]![j]!) <= tolerance));
  assert.ok(ok, `${what}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

test('clips export: audio and text subtitles travel with copied and re-encoded clips, and with joined ones', async () => {
  const lib = await openTempCore();
  const out = tempDir('framewise-clips-subs-');
  try {
    const video = await importOne(lib.core, await subtitledMedia());
    let c = await clipsFromScenes(lib.core, video);
    c = await lib.core.call('clips.split', { video, id: c.clips[0]!.id, frame: 60 });
    for (const mode of ['copy', 'accurate', 'smart'] as const) {
      const { jobId } = await lib.core.call('clips.export', { video, dir: out.dir, ids: [c.clips[1]!.id], mode, pattern: `${mode}-{n}` });
      const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      const [exported] = (job.output as { files: Array<{ path: string; mode: string }> }).files;
      const file = exported!.path;
      assert.equal(exported!.mode, mode);
      const { stdout } = await run(await ffprobePath(), ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', file]);
      assert.deepEqual(stdout.trim().split('\n').sort(), ['audio', 'subtitle', 'video'], mode);
      if (mode === 'copy') continue;
      // Cut at 2.4 s (re-encoded, or smart: re-encoded to the keyframe at 3 s): only the cue of 2.5–3.5 s, at
      // 0.1–1.1 s (with ffmpeg's input seek they kept the cue of 0.5–1.5 s too and shifted both by 0.5 s).
      const srt = await run(await ffmpegPath(), ['-v', 'error', '-i', file, '-map', '0:s', '-f', 'srt', '-']);
      // (The 2018 bundled ffmpeg's mov_text decoder wraps the text in a <font> tag.)
      assert.equal(srt.stdout.replace(/<[^>]*>/g, '').trim(), '1\n00:00:00,100 --> 00:00:01,100\nsecond', `${mode}: ${srt.stdout}`);
    }
    // Joined clips [0, 30) and [75, 100): the cue of 0.5–1.5 s is cut at the first clip's end (1.2 s); the cue of
    // 2.5–3.5 s is cut at the second clip's start (3 s, a keyframe) and shifted to where that clip lands (1.2 s).
    // MP4 (mov_text) from MP4, copied and re-encoded; Matroska keeps SubRip as SubRip and ASS as ASS.
    const joinedCues = async (v: number, mode: 'copy' | 'accurate') => {
      let j = await clipsFromScenes(lib.core, v);
      j = await lib.core.call('clips.split', { video: v, id: j.clips[0]!.id, frame: 30 });
      j = await lib.core.call('clips.split', { video: v, id: j.clips.find((x) => x.endFrame === 100)!.id, frame: 75 });
      const ids = [j.clips.find((x) => x.startFrame === 0)!.id, j.clips.find((x) => x.startFrame === 75)!.id];
      const { jobId } = await lib.core.call('clips.export', { video: v, dir: out.dir, ids, mode, join: true, pattern: `join-${mode}-{n}` });
      const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      const made = (job.output as { files: Array<{ path: string; commands: string[][] }> }).files[0]!;
      // Written once: the muxer's move of the picture is measured by a short dry run first (MP4 with AAC was
      // written twice: once to find the move, once with the cues delayed by it).
      const writes = made.commands.filter((c) => path.basename(c.at(-1)!).startsWith(`.${path.basename(made.path)}`));
      assert.equal(writes.length, 1, `${mode}: ${JSON.stringify(made.commands)}`);
      const file = made.path;
      return { ...(await subtitleCues(file)), file };
    };
    const expected: Array<[number, number]> = [
      [0.5, 1.2],
      [1.2, 1.7],
    ];
    // None outside its clip: [0, 1.2) and [1.2, 2.2) of the joined file (1 ms for the containers' rounding).
    const inClip = ([a, b]: [number, number]) => (a >= 0 && b <= 1.201) || (a >= 1.199 && b <= 2.201);
    for (const mode of ['copy', 'accurate'] as const) {
      const joined = await joinedCues(video, mode);
      assert.deepEqual(joined.codecs, ['mov_text'], mode);
      assertCues(joined.cues[0]!, expected, `joined, ${mode}`);
      assert.ok(joined.cues[0]!.every(inClip), mode);
    }
    // One clip from 3 s (a keyframe), re-encoded and copied: the cue of 2.5–3.5 s that began before it shows from
    // its first frame to 0.5 s (re-encoded, it was left out; copied, the file's picture started at 0.5 s).
    const lateCues = async (v: number, mode: 'accurate' | 'copy') => {
      const late = (await lib.core.call('clips.list', { video: v })).clips.find((x) => x.startFrame === 75)!;
      const { jobId } = await lib.core.call('clips.export', { video: v, dir: out.dir, ids: [late.id], mode, pattern: `late-${mode}-{n}` });
      const lateJob = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(lateJob.state, 'succeeded', JSON.stringify(lateJob.error));
      const file = (lateJob.output as { files: Array<{ path: string }> }).files[0]!.path;
      return { ...(await subtitleCues(file)), file };
    };
    for (const mode of ['accurate', 'copy'] as const)
      assertCues((await lateCues(video, mode)).cues[0] ?? [], [[0, 0.5]], `${mode}: a clip starting inside a cue`);
    const mkvVideo = await importOne(lib.core, await subtitledMkv());
    const mkv = await joinedCues(mkvVideo, 'copy');
    assert.deepEqual(mkv.codecs, ['subrip', 'ass']);
    // 30 + 25 frames: the second clip from its keyframe at 3 s (sought from the picture's time, not the file's,
    // it began at the keyframe before: 80 frames).
    assert.equal((await probe(mkv.file)).frames, 55);
    assertCues(mkv.cues[0]!, expected, 'joined Matroska, SubRip');
    // ASS times are centiseconds: the source's 2.521 s is 2.52 s there, so its cut cue ends up to 10 ms early.
    assertCues(mkv.cues[1]!, expected, 'joined Matroska, ASS', 0.011);
    for (const track of mkv.cues) assert.ok(track.every(inClip), JSON.stringify(track));
    // Copied out of Matroska from a keyframe inside a cue: both tracks from the first frame to 0.5 s (ASS:
    // centiseconds, and 1 ms of the container's rounding), and the copy starts at that keyframe (frame 75; sought
    // from the picture's time, not the file's, it began at frame 50 and its cues came 0.98 s late).
    const lateMkv = await lateCues(mkvVideo, 'copy');
    assert.equal((await probe(lateMkv.file)).frames, 25);
    assert.deepEqual(lateMkv.codecs, ['subrip', 'ass']);
    for (const track of lateMkv.cues) assertCues(track, [[0, 0.5]], 'Matroska copy from 3 s', 0.015);
    // Smart from Matroska [30, 75): frames 30–49 re-encoded, 50–74 copied from the keyframe at 2 s. The file's
    // picture starts 21 ms in (its AAC was primed); sought from the picture's time, the copied tail began at the
    // keyframe before (frame 25: 70 frames for 45, so smart always fell back), and the accurate re-encode showed
    // frame 30 twice and lost frame 74 (MP4's constant rate filled the 31 ms before the first picture).
    const mkvSource = await subtitledMkv();
    const middle = (await lib.core.call('clips.list', { video: mkvVideo })).clips.find((x) => x.startFrame === 30)!;
    const exportMkv = async (mode: 'smart' | 'accurate') => {
      const { jobId } = await lib.core.call('clips.export', {
        video: mkvVideo,
        dir: out.dir,
        ids: [middle.id],
        mode,
        pattern: `mkv-${mode}-{n}`,
      });
      const job = await lib.core.services.jobs.waitFor(jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      return (job.output as { files: Array<{ path: string; mode: string; note: string | null; commands: string[][] }> }).files[0]!;
    };
    const made = await exportMkv('smart');
    assert.deepEqual([made.mode, made.note], ['smart', null]);
    const [head, tail] = made.commands.filter((cmd) => cmd.includes('mpegts'));
    assert.equal(head![head!.indexOf('-c:v') + 1], 'libx264');
    assert.equal(tail![tail!.indexOf('-c') + 1], 'copy');
    const accurateMkv = await exportMkv('accurate');
    // The source's pictures: first and last re-encoded (30, 49), first and last copied (50, 74), and the
    // accurate export's first two (its first frame was shown twice) and last.
    for (const [file, frames] of [
      [made.path, [0, 19, 20, 44]],
      [accurateMkv.path, [0, 1, 44]],
    ] as const) {
      assert.equal((await probe(file)).frames, 45, file);
      for (const f of frames) {
        // (Neighbouring frames of this source differ: about 24 dB.)
        const db = await framePsnr(file, f, mkvSource, 30 + f);
        assert.ok(db > 30, `${path.basename(file)}, frame ${f}: ${db} dB`);
      }
    }
  } finally {
    await lib.close();
    out.cleanup();
  }
});
