import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/library.js';
import { media } from '../helpers/media.js';

interface PredictJson {
  jobId: number;
  state: string;
  sampleFps: number | null;
  samples: number;
}

test('predictions with different parameters started together are separate jobs with their own results', { timeout: 900_000 }, async (t) => {
  const lib = tempDir('framewise-predict-dedupe-');
  t.after(() => lib.cleanup());
  const cli = (...args: string[]) => runCli(['--data-dir', lib.dir, ...args]);
  const imported = await cli('import', await media.mp4(40, 'predict-dedupe-40s.mp4'), '--json');
  assert.equal(imported.code, 0, imported.stderr);
  const videoId = String((JSON.parse(imported.stdout) as { results: Array<{ videoId: number }> }).results[0]!.videoId);
  // Three processes at once: 5 fps, 10 fps, and 5 fps again.
  const runs = await Promise.all(['5', '10', '5'].map((fps) => cli('predict', videoId, '--fps', fps, '--json')));
  const [five, ten, fiveAgain] = runs.map((r) => {
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as PredictJson;
  });
  assert.notEqual(five!.jobId, ten!.jobId, '5 fps and 10 fps are two jobs');
  assert.equal(five!.sampleFps, 5);
  assert.equal(ten!.sampleFps, 10);
  assert.equal(fiveAgain!.sampleFps, 5);
  // 40 s: 200 samples at 5 fps, 400 at 10 fps (each job holds what its parameters ask for).
  assert.ok(Math.abs(five!.samples - 200) <= 1, `5 fps: ${five!.samples} samples`);
  assert.ok(Math.abs(fiveAgain!.samples - 200) <= 1, `5 fps again: ${fiveAgain!.samples} samples`);
  assert.ok(Math.abs(ten!.samples - 400) <= 1, `10 fps: ${ten!.samples} samples`);
  const jobs = JSON.parse((await cli('jobs', '--json')).stdout) as Array<{ id: number; kind: string; input: { sampleFps: number } }>;
  for (const r of [five!, ten!, fiveAgain!]) {
    const job = jobs.find((j) => j.id === r.jobId)!;
    assert.equal(job.input.sampleFps, r.sampleFps, `job ${r.jobId} ran with the parameters it reports`);
  }
});
