import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import type { Core } from '../../core/core.js';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import type { VerificationResult } from '../../core/anonymize/verify.js';
import type { AnonymizationPlan } from '../../core/anonymize/types.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { endo } from './endoscopy-media.js';
import { adversarial, adversarialVideo } from './adversarial-media.js';
import { ocrFrames, patientStringsIn, patientStringsInImages } from './independent-ocr.js';

/**
 * The "Done when" suite: text burned into the endoscope image for part of the video (an annotation, a 0.5 s
 * flash, moving text, a second patient's name). Every export is either masked with nothing readable by an
 * independent OCR, or refused with the frame named — never "verified" with text left.
 * Only the region and the patient are given (as OCR would find them); no text boxes, no model.
 */
const overrides = { region: endo.region, patient: endo.patient };

/**
 * One library with the clip imported, shared by the exports below (one import instead of one per test). Each
 * test looks at its own job and export. They run in file order: the first export's scan is the first one (the
 * library has no time-ranged masks before it; the later tests give their own masks).
 */
let shared: Promise<{ core: Core; videoId: number; file: string; close: () => Promise<void> }> | undefined;
function library() {
  shared ??= (async () => {
    const file = await adversarialVideo();
    const lib = await openTempCore();
    const [job] = await importAndWait(lib.core, [file]);
    assert.equal(job?.state, 'succeeded', JSON.stringify(job?.error));
    return { core: lib.core, videoId: (job!.output as { videoId: number }).videoId, file, close: lib.close };
  })();
  return shared;
}
after(async () => {
  await (await shared)?.close();
});

const fps = adversarial.fps;
const covered = (plan: AnonymizationPlan, t0: number, t1: number) => {
  // Every frame of the event has at least one timed mask.
  for (let f = Math.ceil(t0 * fps); f < Math.floor(t1 * fps); f++) {
    if (!plan.masks.timed.some((m) => f >= m.startFrame && f < m.endFrame)) return `frame ${f} has no timed mask`;
  }
  return null;
};

/**
 * The frames of an export (no cut: output frame = source frame) that the independent reader checks: every 0.2 s
 * while an event shows its text, each event's last frame and the frame after it, and one frame a second
 * between the events — there only the device overlay outside the image shows, and one fixed region mask
 * hides it on every frame.
 */
const checkedFrames: number[] = (() => {
  const n = adversarial.duration * fps;
  const inEvent = (f: number) => adversarial.events.some((e) => f >= Math.round(e.start * fps) && f < Math.round(e.end * fps));
  const frames = new Set<number>();
  for (let f = 0; f < n; f += fps / 5) if (inEvent(f)) frames.add(f);
  for (let f = 0; f < n; f += fps) if (!inEvent(f)) frames.add(f);
  for (const e of adversarial.events) {
    const end = Math.round(e.end * fps);
    frames.add(end - 1);
    if (end < n) frames.add(end);
  }
  return [...frames].sort((a, b) => a - b);
})();

/** The independent reader: upscaled ×2, English + German Tesseract on the whole frame, on `checkedFrames`. */
async function readableForbidden(file: string): Promise<string[]> {
  const pages = await ocrFrames(file, checkedFrames, { scale: 2 });
  return pages.flatMap((p) => patientStringsIn(p.text, adversarial.forbidden).map((s) => `${s} at frame ${p.frame}`));
}

test('the adversarial clip really shows each text inside the image (so the checks below can fail)', async () => {
  const file = await adversarialVideo();
  // The reader of the checks below, on the frames at 2.5 s (annotation) and 9 s (second name).
  const [annotation, second] = await ocrFrames(file, [2.5 * fps, 9 * fps].map(Math.round), { scale: 2 });
  assert.ok(patientStringsIn(annotation!.text, ['Jürgen']).length, 'the annotation is readable');
  assert.ok(patientStringsIn(second!.text, ['Schmidt']).length, 'the second name is readable');
});

test('text appearing mid-video inside the image: scanned, masked for its time range, verified; nothing readable', async () => {
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-adv-');
  try {
    // Full-size clip keyframes made before the export show the annotation (so the check after it can fail).
    const det = await core.call('scenes.detect', { video: videoId });
    if (det.jobId) assert.equal((await core.services.jobs.waitFor(det.jobId, 120_000)).state, 'succeeded');
    await core.call('clips.fromScenes', { video: videoId });
    const annotation = adversarial.events[0]!;
    const inAnnotation = (k: { frame: number }) => k.frame >= annotation.start * fps && k.frame < annotation.end * fps;
    const keyframes = async () => {
      const mid = ((annotation.start + annotation.end) / 2) * fps;
      const clip = (await core.call('clips.list', { video: videoId })).clips.find((c) => c.startFrame <= mid && c.endFrame > mid)!;
      return (await core.call('clips.keyframes', { video: videoId, id: clip.id, count: 5, width: endo.width })).filter(inAnnotation);
    };
    const before = await keyframes();
    assert.ok(before.length > 0, 'a keyframe shows the annotation');
    assert.ok((await patientStringsInImages([before[0]!.path], ['Jürgen'])).length, 'the annotation is readable in a keyframe');

    const { job } = await core.call<'anonymize.start'>('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      overrides,
      who: 'dr-test',
    });
    const done = await core.services.jobs.waitFor(job.id, 600_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.equal(res.verification.ok, true);
    assert.equal(res.warnings, undefined, 'the previews were made again');
    // The export's text scan added time-ranged masks: the keyframes made before are removed (not served any
    // more), and those made now hide the annotation.
    for (const k of before) assert.ok(!existsSync(k.path), `the keyframe of frame ${k.frame} made before the scan is removed`);
    const after = await keyframes();
    assert.deepEqual(
      await patientStringsInImages(
        after.map((k) => k.path),
        adversarial.forbidden,
      ),
      [],
    );
    for (const e of adversarial.events) assert.equal(covered(res.plan, e.start, e.end), null, `${e.what} is masked over its whole range`);
    // Time-ranged masks, not the whole image: at 1 s (no inserted text; only texture the detector may take for
    // text) most of the image stays visible.
    const at1 = res.plan.masks.timed.filter((m) => m.startFrame <= 1 * fps && m.endFrame > 1 * fps);
    const masked = at1.reduce((a, m) => a + m.rect.width * m.rect.height, 0);
    assert.ok(masked < 0.15 * endo.region.width * endo.region.height, `masked at 1 s: ${masked} px²`);
    // The plan is listed for the export dialog / timeline, and stored in the library.
    const listed = await core.call('anonymize.masks', { video: videoId });
    assert.ok(listed.masks.length > 0 && listed.scan !== null);
    assert.deepEqual(await readableForbidden(res.outputPath), []);
  } finally {
    out.cleanup();
  }
});

test('the reviewer removed every mask: verification reads the name, masks it and the other readable text where seen, renders again', async () => {
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-adv-');
  try {
    const { job } = await core.call<'anonymize.start'>('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      overrides,
      timedMasks: [],
    });
    const done = await core.services.jobs.waitFor(job.id, 600_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.ok(
      res.plan.masks.timed.some((m) => m.source === 'verify'),
      'verification added masks',
    );
    assert.deepEqual(await readableForbidden(res.outputPath), []);
  } finally {
    out.cleanup();
  }
});

test('masks disabled (test hook): refused, naming the frame inside the text range and the field', async () => {
  const { core, videoId } = await library();
  const out = tempDir('framewise-anon-adv-');
  const before = process.env.FRAMEWISE_TEST_HOOKS;
  process.env.FRAMEWISE_TEST_HOOKS = '1';
  try {
    const { job } = await core.services.jobs.enqueue('anonymize', {
      videoId,
      output: { dir: out.dir },
      overrides,
      timedMasks: [],
      unsafeDisableMasks: true,
    });
    const done = await core.services.jobs.waitFor(job.id, 600_000);
    assert.equal(done.state, 'failed');
    assert.equal(done.error?.code, 'verification_failed');
    assert.deepEqual(readdirSync(out.dir), []);
    const rec = (await core.call('anonymize.exports', { video: videoId })).find((e) => e.jobId === job.id);
    const v = rec?.verification as VerificationResult;
    const inside = v.findings.filter((f) => f.check === 'patient_text' && f.box && f.box.x >= endo.region.x);
    assert.ok(inside.length > 0, 'text inside the image is named');
    for (const f of inside) {
      const t = f.time!;
      assert.ok(
        adversarial.events.some((e) => t >= e.start - 0.05 && t < e.end + 0.05),
        `finding at ${t} s lies in an event's time range`,
      );
    }
    assert.ok(v.textSeen.length > 0);
    assert.ok(!JSON.stringify(rec).includes('Müller') && !JSON.stringify(rec).includes('Schmidt'));
  } finally {
    if (before === undefined) delete process.env.FRAMEWISE_TEST_HOOKS;
    else process.env.FRAMEWISE_TEST_HOOKS = before;
    out.cleanup();
  }
});
