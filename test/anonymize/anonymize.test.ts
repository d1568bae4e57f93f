import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Core } from '../../core/core.js';
import { sha256File } from '../../core/util/fs.js';
import { parseMediaTarget } from '../../core/media/targets.js';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { buildRenderArgs } from '../../core/ffmpeg/anonymize-render.js';
import { buildMaskImage } from '../../core/anonymize/mask.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { regionBox } from '../../core/util/endoscope-region.js';
import { endo, endoscopyVideo, patientStrings } from './endoscopy-media.js';
import { ocrEverySecond, patientStringsIn, probeJson, ssim } from './independent-ocr.js';

const overrides = {
  region: endo.region,
  textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
  segments: [{ ...endo.outside, label: 'outside', validated: true }],
  patient: endo.patient,
};

async function libraryWithVideo(): Promise<{ core: Core; videoId: number; file: string; close: () => Promise<void> }> {
  const file = await endoscopyVideo();
  const lib = await openTempCore();
  const [job] = await importAndWait(lib.core, [file]);
  assert.equal(job?.state, 'succeeded', JSON.stringify(job?.error));
  const videoId = (job!.output as { videoId: number }).videoId;
  return { core: lib.core, videoId, file, close: lib.close };
}

/**
 * One library with the clip referenced in place, shared by the tests below that check other properties of it
 * (each test its own output folder): the text scan runs once per video and library, at the first export, and
 * later exports reuse it; the clip is imported once. Tests that change settings restore them.
 */
let shared: ReturnType<typeof libraryWithVideo> | undefined;
const sharedLibrary = () => (shared ??= libraryWithVideo());
after(async () => {
  if (shared) await (await shared).close();
});

test('the generated video really carries the patient data (so the checks below can fail)', async () => {
  const file = await endoscopyVideo();
  const frames = await ocrEverySecond(file, { interval: 3 });
  const found = new Set(frames.flatMap((f) => patientStringsIn(f.text, patientStrings)));
  for (const s of ['Jürgen', 'Müller', '12.03.1961', '05.11.2024']) assert.ok(found.has(s), `the test OCR reads "${s}" in the original`);
  const probe = await probeJson(file);
  assert.match(probe.format.tags?.title ?? '', /Müller/);
  assert.ok(probe.streams.some((s) => s.codec_type === 'audio'));
  assert.ok(probe.streams.some((s) => s.codec_type === 'subtitle'));
});

test('anonymize: masks, cut, no audio/subtitles/tags, verified; independent OCR finds no patient token; image preserved; the original, referenced in place, is never deleted', async () => {
  const { core, videoId, file } = await sharedLibrary();
  const out = tempDir('framewise-anon-out-');
  try {
    const originalSha = await sha256File(file);
    const { job } = await core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides, who: 'dr-test' });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;

    // Output: one file, pseudonymous name, in the output folder; the original untouched and not copied.
    assert.deepEqual(readdirSync(out.dir), [path.basename(res.outputPath)]);
    assert.match(path.basename(res.outputPath), /^anon-[0-9a-f]{10}\.mp4$/);
    assert.equal(await sha256File(file), originalSha, 'original unchanged');
    assert.notEqual(res.sha256, originalSha);
    assert.equal(await sha256File(res.outputPath), res.sha256);
    assert.equal(res.verification.ok, true);
    assert.ok(res.verification.sampledFrames >= 24);

    // Streams, tags, duration.
    const probe = await probeJson(res.outputPath);
    assert.deepEqual(
      probe.streams.map((s) => s.codec_type),
      ['video'],
    );
    const tagKeys = Object.keys(probe.format.tags ?? {}).sort();
    for (const k of tagKeys) assert.ok(['compatible_brands', 'major_brand', 'minor_version'].includes(k), `unexpected tag ${k}`);
    assert.ok(!JSON.stringify(probe).includes('Müller') && !JSON.stringify(probe).includes('1961'));
    assert.ok(Math.abs(Number(probe.format.duration) - (12 - 2)) <= 1 / 25 + 1e-3, `duration ${probe.format.duration}`);

    // Independent OCR, every second: no patient token anywhere.
    const frames = await ocrEverySecond(res.outputPath);
    assert.ok(frames.length >= 10);
    for (const f of frames) assert.deepEqual(patientStringsIn(f.text, patientStrings), [], `patient text readable at ${f.time} s`);

    // The image inside the region is preserved on kept frames (the masked text box blacked on both sides).
    const b = overrides.textBoxes[0]!.rect;
    const pad = 4;
    const inner = `crop=192:300:364:30`;
    const box = `drawbox=x=${b.x - pad}:y=${b.y - pad}:w=${b.width + 2 * pad}:h=${b.height + 2 * pad}:color=black:t=fill`;
    const keep = `select='not(between(n,${endo.outside.startFrame},${endo.outside.endFrame - 1}))',setpts=N/(25*TB)`;
    const score = await ssim({ file, chain: `${keep},${box},${inner}` }, { file: res.outputPath, chain: `${box},${inner}` });
    assert.ok(score > 0.9, `SSIM inside the region ${score}`);

    // Audit: who, when, plan, verification, sha256.
    const rec = (await core.call('anonymize.exports', { video: videoId })).find((r) => r.id === res.exportId);
    assert.equal(rec?.state, 'verified');
    assert.equal(rec?.who, 'dr-test');
    assert.equal(rec?.outputSha256, res.sha256);
    assert.equal(rec?.plan?.removed[0]?.startFrame, endo.outside.startFrame);
    assert.equal(rec?.verification?.ok, true);
    assert.ok(!JSON.stringify(rec).includes('Müller'), 'the audit trail carries no patient value');
    // The audit keeps the render's command line exactly as run: the binary, the start options, then the
    // arguments the plan gives (rebuilt here from the stored plan, the input, the mask and the temp output).
    const cmd = rec!.command!;
    assert.ok(Array.isArray(cmd), 'the export audit has the command line');
    assert.deepEqual(res.command, cmd);
    assert.equal(cmd[0], core.services.ffmpeg.tools.ffmpeg.path);
    const inputs = cmd.flatMap((arg, i) => (cmd[i - 1] === '-i' ? [arg] : []));
    assert.equal(inputs[0], file);
    assert.match(path.basename(cmd.at(-1)!), /^\.framewise-[0-9a-f]+\.partial\.mp4$/, JSON.stringify(cmd));
    const mask = buildMaskImage(rec!.plan!);
    assert.ok(mask, 'this plan has a static mask image');
    const expected = buildRenderArgs(rec!.plan!, { input: file, mask: { path: inputs[1]!, rect: mask.rect }, output: cmd.at(-1)! });
    assert.deepEqual(cmd.slice(1, cmd.length - expected.length), ['-progress', 'pipe:3', '-nostats', '-hide_banner', '-nostdin', '-y']);
    assert.deepEqual(cmd.slice(cmd.length - expected.length), expected);
    assert.equal((await core.call('videos.get', { video: videoId })).state, 'anonymized');
    // Verified exports are served for side-by-side playback (media URL kind 'export'), by id only.
    assert.deepEqual(parseMediaTarget('export/' + rec!.id), { kind: 'export', id: rec!.id });
    assert.equal((await core.mediaPath({ kind: 'export', id: rec!.id })).path, res.outputPath);
    await assert.rejects(core.mediaPath({ kind: 'export', id: rec!.id + 1000 }), /No verified export/);
    // Deleting the original refuses a file referenced in place (outside the library folder), verified export or not.
    await assert.rejects(core.call('anonymize.deleteOriginal', { video: videoId }), /not a copy in the library folder/);
    assert.ok(existsSync(file));
  } finally {
    out.cleanup();
  }
});

test('keep audio + black-out instead of cut (audio in sync, full duration, outside scene black); a library copy is deleted only on request after a verified export', async () => {
  const file = await endoscopyVideo();
  const { core, close } = await openTempCore();
  const out = tempDir('framewise-anon-out-');
  try {
    const [imp] = await importAndWait(core, [file], true);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const stored = (await core.call('videos.get', { video: videoId })).path;
    assert.notEqual(stored, file, 'copied into the library');
    await assert.rejects(core.call('anonymize.deleteOriginal', { video: videoId }), /no verified anonymized export/);
    // copyIntoLibrary is off for this library, so the gate is 'auto' = off; the export runs. The text scan
    // is the first export's subject (shared library above): here no scan (given timed masks, none).
    const { job } = await core.call('anonymize.start', {
      video: videoId,
      output: { path: path.join(out.dir, 'case-0042.mp4') },
      options: { keepAudio: true, outside: 'black' },
      overrides,
      timedMasks: [],
    });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.equal(res.outputPath, path.join(out.dir, 'case-0042.mp4'));
    assert.ok(res.plan.warnings.some((w) => /Audio is kept/.test(w)));
    const probe = await probeJson(res.outputPath);
    assert.deepEqual(
      probe.streams.map((s) => s.codec_type),
      ['video', 'audio'],
    );
    const v = Number(probe.streams[0]!.duration);
    const a = Number(probe.streams[1]!.duration);
    assert.ok(Math.abs(v - 12) <= 0.04 + 1e-3, `video ${v}`);
    assert.ok(Math.abs(a - v) < 0.05, `audio ${a} vs video ${v}`);
    // The outside scene (colour bars, frames 125–174) is black: its mean luma is ~16 (limited range black).
    const { ffmpegPath } = await import('../helpers/media.js');
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { stderr } = await promisify(execFile)(await ffmpegPath(), [
      '-hide_banner',
      '-ss',
      '6',
      '-i',
      res.outputPath,
      '-frames:v',
      '1',
      '-vf',
      'signalstats,metadata=print:key=lavfi.signalstats.YAVG',
      '-f',
      'null',
      '-',
    ]);
    const yavg = Number(/YAVG=([0-9.]+)/.exec(stderr)?.[1]);
    assert.ok(yavg < 20, `outside scene luma ${yavg}`);
    // Deleting the original: never automatically; on request the library copy goes, the file outside stays.
    assert.ok(existsSync(stored), 'never deleted automatically');
    const r = await core.call('anonymize.deleteOriginal', { video: videoId });
    assert.equal(r.deleted, stored);
    assert.ok(!existsSync(stored));
    assert.ok(existsSync(file), 'the file outside the library is untouched');
    assert.equal((await core.call('videos.get', { video: videoId })).state, 'missing');
  } finally {
    out.cleanup();
    await close();
  }
});

test('an output name carrying the original name or a patient detail is refused', async () => {
  const { core, videoId, file } = await sharedLibrary();
  const out = tempDir('framewise-anon-out-');
  try {
    const stem = path.basename(file, '.mp4');
    await assert.rejects(
      core.call('anonymize.start', { video: videoId, output: { path: path.join(out.dir, `${stem}-anon.mp4`) }, overrides }),
      /must not carry the original file name/,
    );
    await assert.rejects(
      core.call('anonymize.start', { video: videoId, output: { path: path.join(out.dir, 'mueller.mp4') }, overrides }),
      /contains a patient detail/,
    );
    // The job checks again (a job enqueued directly gets the same answer).
    const { job } = await core.services.jobs.enqueue('anonymize', {
      videoId,
      output: { path: path.join(out.dir, 'Jurgen.mp4') },
      overrides,
    });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'failed');
    assert.match(done.error?.message ?? '', /contains a patient detail/);
    assert.deepEqual(readdirSync(out.dir), []);
  } finally {
    out.cleanup();
  }
});

test('clinical gate: refuses until patient fields are verified and outside segments validated, saying what is missing', async () => {
  const { core, videoId } = await sharedLibrary();
  const out = tempDir('framewise-anon-out-');
  const before = await core.call('settings.get', {});
  const exportsBefore = (await core.call('anonymize.exports', {})).length;
  try {
    await core.call('settings.set', { key: 'anonymizeClinicalGate', value: 'on' });
    const bad = {
      ...overrides,
      patient: { ...endo.patient, verified: false },
      segments: [{ startFrame: 125, endFrame: 175, label: 'outside', validated: false }],
    };
    await assert.rejects(core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides: bad }), (err: Error) => {
      assert.match(err.message, /not been verified by a reviewer/);
      assert.match(err.message, /1 segment\(s\) to remove are not validated.*outside 125–174/);
      return true;
    });
    await assert.rejects(
      core.call('anonymize.start', { video: videoId, output: { dir: out.dir }, overrides: { ...overrides, patient: undefined } }),
      /patient fields are not known/,
    );
    // Fail closed: with nothing known about the video there is nothing to anonymize, gate or not.
    await core.call('settings.set', { key: 'anonymizeClinicalGate', value: 'off' });
    await assert.rejects(core.call('anonymize.start', { video: videoId, output: { dir: out.dir } }), /Nothing is known to anonymize/);
    // 'auto' follows the copy-into-library workflow.
    await core.call('settings.set', { key: 'anonymizeClinicalGate', value: 'auto' });
    const plan = await core.call('anonymize.plan', { video: videoId, overrides: bad });
    assert.equal(plan.gate.required, false);
    assert.equal(plan.gate.ok, true);
    assert.equal(plan.gate.missing.length, 2);
    await core.call('settings.set', { key: 'copyIntoLibrary', value: true });
    const gated = await core.call('anonymize.plan', { video: videoId, overrides: bad });
    assert.equal(gated.gate.required, true);
    assert.equal(gated.gate.ok, false);
    assert.deepEqual(readdirSync(out.dir), []);
    assert.equal((await core.call('anonymize.exports', {})).length, exportsBefore, 'no export was started');
  } finally {
    await core.call('settings.set', { key: 'anonymizeClinicalGate', value: before.anonymizeClinicalGate });
    await core.call('settings.set', { key: 'copyIntoLibrary', value: before.copyIntoLibrary });
    out.cleanup();
  }
});

test('anonymize options: crop to the region, blurred text box, HEVC — verified, cropped size, blurred name unreadable', async () => {
  const { core, videoId } = await sharedLibrary();
  const out = tempDir('framewise-anon-out-');
  try {
    const { job } = await core.call('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      options: { crop: true, maskStyle: 'blur', codec: 'hevc' },
      overrides,
    });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.deepEqual(res.plan.crop, regionBox(endo.region));
    const probe = await probeJson(res.outputPath);
    const v = probe.streams[0] as { codec_type: string; codec_name?: string; width?: number; height?: number };
    assert.equal(v.codec_name, 'hevc');
    assert.deepEqual([v.width, v.height], [320, 320]);
    const frames = await ocrEverySecond(res.outputPath, { scale: 3 });
    for (const f of frames) assert.deepEqual(patientStringsIn(f.text, patientStrings), [], `patient text readable at ${f.time} s`);
  } finally {
    out.cleanup();
  }
});

test('a rotated (phone) video: masks are in display pixels, the output is upright without rotation metadata', async () => {
  const { media } = await import('../helpers/media.js');
  const file = await media.rotated();
  const lib = await openTempCore();
  const out = tempDir('framewise-anon-out-');
  try {
    const [imp] = await importAndWait(lib.core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const v = await lib.core.call('videos.get', { video: videoId });
    assert.deepEqual([v.displayWidth, v.displayHeight], [240, 320]);
    const { job } = await lib.core.call('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      overrides: { region: { x: 20, y: 40, width: 200, height: 240, shape: 'circle' } },
      // Masks and the upright output are the subject, not the text scan (the first export's): no scan here.
      timedMasks: [],
    });
    const done = await lib.core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    const probe = await probeJson(res.outputPath);
    const s = probe.streams[0] as { width?: number; height?: number; side_data_list?: unknown[]; tags?: Record<string, string> };
    assert.deepEqual([s.width, s.height], [240, 320]);
    assert.ok(!JSON.stringify(s.side_data_list ?? []).includes('rotation'), JSON.stringify(s.side_data_list));
    assert.equal(s.tags?.rotate, undefined);
  } finally {
    out.cleanup();
    await lib.close();
  }
});

test('segments come from the library (prediction/review): validated ones are cut, unreviewed ones only when allowed', async () => {
  const { core, videoId } = await sharedLibrary();
  const gate = (await core.call('settings.get', {})).anonymizeClinicalGate;
  try {
    const now = new Date().toISOString();
    const row = (start: number, end: number, validated: number, source: 'reviewer' | 'prediction') => ({
      video_id: videoId,
      label: 'outside',
      start_frame: start,
      end_frame: end,
      start_time: start / 25,
      end_time: end / 25,
      source,
      model: source === 'prediction' ? 'm' : null,
      model_version: source === 'prediction' ? '1' : null,
      run_id: null,
      params_json: null,
      mean_score: null,
      max_score: null,
      validated,
      supersedes_id: null,
      deleted: 0,
      created_at: now,
      updated_at: now,
      created_by: 'test',
    });
    await core.services.db.writer
      .insertInto('segments')
      .values([row(125, 175, 1, 'reviewer'), row(250, 275, 0, 'prediction')])
      .execute();
    const { segments: _s, ...noSegments } = overrides;
    const p = await core.call<'anonymize.plan'>('anonymize.plan', { video: videoId, overrides: noSegments });
    assert.equal(p.origin.segments, 'segments');
    assert.deepEqual(
      p.plan.removed.map((r) => [r.startFrame, r.endFrame]),
      [[125, 175]],
    );
    assert.deepEqual(
      p.plan.ignoredSegments.map((r) => [r.startFrame, r.endFrame, r.reason]),
      [[250, 275, 'not reviewed']],
    );
    const all = await core.call<'anonymize.plan'>('anonymize.plan', {
      video: videoId,
      overrides: noSegments,
      options: { allowUnreviewed: true },
    });
    assert.deepEqual(
      all.plan.removed.map((r) => [r.startFrame, r.endFrame]),
      [
        [125, 175],
        [250, 275],
      ],
    );
    // The clinical gate names the unreviewed prediction.
    await core.call('settings.set', { key: 'anonymizeClinicalGate', value: 'on' });
    const gated = await core.call<'anonymize.plan'>('anonymize.plan', { video: videoId, overrides: noSegments });
    assert.equal(gated.gate.ok, false);
    assert.match(gated.gate.missing.join(' '), /outside 250–274/);
  } finally {
    await core.call('settings.set', { key: 'anonymizeClinicalGate', value: gate });
  }
});
