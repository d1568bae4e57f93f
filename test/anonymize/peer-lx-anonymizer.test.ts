import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { peerFixture } from '../helpers/fixtures.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { generated } from '../helpers/media.js';
import { ocrEverySecond, patientStringsIn, ssim } from './independent-ocr.js';

interface GoldenRow {
  sample_id: string;
  ground_truth: {
    first_name: string;
    last_name: string;
    dob: string;
    examination_date: string;
    bounding_boxes: Array<{ x1: number; y1: number; x2: number; y2: number }>;
  };
}

/** The octagonal endoscope image of this processor layout (measured on the four frames). */
const region = { x: 550, y: 0, width: 1350, height: 1080, shape: 'octagon' as const, cornerCut: 0.24 };

/**
 * Where the independent reader looks: the device panel left of the endoscope image, which holds every patient
 * text of these frames (all ground-truth boxes end before x = 350; the image right of x = 550 shows none, and
 * the export keeps every pixel in place: same size, no crop, SSIM checked inside the image). Tesseract on the
 * whole 1080p frame spent most of its time on the image's texture.
 */
const panel = `${region.x}:1080:0:0`;

/** 2 s per frame at 25 fps: an 8 s video built from the fixture (never copied into the repository), once per run. */
function fixtureVideo(dir: string): Promise<string> {
  return generated('peer-lx-anonymizer-4-frames-8s.mp4', (out) => [
    '-framerate',
    '1/2',
    '-start_number',
    '1',
    '-i',
    path.join(dir, 'frame%d.jpg'),
    '-vf',
    'fps=25,format=yuv420p',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    out,
  ]);
}

test('peer fixture lx-anonymizer: a video of the four real frames is anonymized; no patient text readable, image kept', async (t) => {
  const dir = peerFixture(t, 'lx-anonymizer');
  if (!dir) return;
  const golden = readFileSync(path.join(dir, 'golden.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as GoldenRow);
  const gt = golden[0]!.ground_truth;
  const tokens = [gt.first_name, gt.last_name, gt.dob.split('-').reverse().join('/'), gt.examination_date.split('-').reverse().join('/')];
  const work = tempDir('framewise-peer-anon-');
  const lib = await openTempCore();
  try {
    const video = await fixtureVideo(dir);
    const before = await ocrEverySecond(video, { interval: 2, scale: 1, crop: panel });
    const seen = new Set(before.flatMap((f) => patientStringsIn(f.text, tokens)));
    for (const s of tokens.slice(0, 3)) assert.ok(seen.has(s), `the test OCR reads "${s}" in the original frames`);

    const [imp] = await importAndWait(lib.core, [video]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const boxes = golden
      .flatMap((g) => g.ground_truth.bounding_boxes)
      .map((b) => ({ rect: { x: b.x1, y: b.y1, width: b.x2 - b.x1, height: b.y2 - b.y1 }, source: 'golden' }));
    const out = path.join(work.dir, 'out');
    const { job } = await lib.core.call('anonymize.start', {
      video: videoId,
      output: { dir: out },
      overrides: {
        region,
        textBoxes: boxes,
        patient: { first_name: gt.first_name, last_name: gt.last_name, dob: gt.dob, examination_date: gt.examination_date, verified: true },
      },
    });
    const done = await lib.core.services.jobs.waitFor(job.id, 600_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.equal(res.verification.ok, true);

    // Every pixel stays in place (the reader's crop is the panel in the export too).
    assert.deepEqual([res.plan.output.width, res.plan.output.height, res.plan.crop ?? null], [1920, 1080, null]);
    const after = await ocrEverySecond(res.outputPath, { interval: 1, scale: 1, crop: panel });
    for (const f of after) assert.deepEqual(patientStringsIn(f.text, tokens), [], `patient text readable at ${f.time} s`);
    const inner = 'crop=800:880:850:100';
    const score = await ssim({ file: video, chain: inner }, { file: res.outputPath, chain: inner });
    assert.ok(score > 0.9, `SSIM inside the endoscope image ${score}`);
  } finally {
    await lib.close();
    work.cleanup();
  }
});

test('peer fixture lx-anonymizer with the real OCR (profile lx-anonymizer): region, boxes and fields read, export verified', async (t) => {
  const dir = peerFixture(t, 'lx-anonymizer');
  if (!dir) return;
  const gt = (JSON.parse(readFileSync(path.join(dir, 'golden.jsonl'), 'utf8').split('\n')[0]!) as GoldenRow).ground_truth;
  const tokens = [gt.first_name, gt.last_name, gt.dob.split('-').reverse().join('/'), gt.examination_date.split('-').reverse().join('/')];
  const work = tempDir('framewise-peer-anon-ocr-');
  const lib = await openTempCore();
  try {
    const video = await fixtureVideo(dir);
    const [imp] = await importAndWait(lib.core, [video]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    const ocr = await lib.core.call('ocr.start', { video: videoId, profile: 'lx-anonymizer' });
    assert.equal((await lib.core.services.jobs.waitFor(ocr.job.id, 600_000)).state, 'succeeded');
    const p = await lib.core.call('anonymize.plan', { video: videoId });
    assert.equal(p.origin.region, 'ocr');
    assert.equal(p.origin.patient, 'ocr');
    assert.ok(p.plan.masks.region, 'the endoscope region was found');
    const { job } = await lib.core.call('anonymize.start', { video: videoId, output: { dir: path.join(work.dir, 'out') } });
    const done = await lib.core.services.jobs.waitFor(job.id, 600_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    // Every pixel stays in place (the reader's crop is the panel in the export too).
    assert.deepEqual([res.plan.output.width, res.plan.output.height, res.plan.crop ?? null], [1920, 1080, null]);
    const after = await ocrEverySecond(res.outputPath, { interval: 1, scale: 1, crop: panel });
    for (const f of after) assert.deepEqual(patientStringsIn(f.text, tokens), [], `patient text readable at ${f.time} s`);
    const inner = 'crop=800:880:850:100';
    const score = await ssim({ file: video, chain: inner }, { file: res.outputPath, chain: inner });
    assert.ok(score > 0.9, `SSIM inside the endoscope image ${score}`);
  } finally {
    await lib.close();
    work.cleanup();
  }
});
