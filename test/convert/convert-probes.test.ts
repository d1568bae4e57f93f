import assert from 'node:assert/strict';
import { ChildProcess, execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { openTempCore } from '../helpers/library.js';
import { ffprobePath } from '../helpers/media.js';
import { short } from './media.js';

const execFileAsync = promisify(execFile);

/**
 * Each ffprobe start costs CPU of its own (≈ 0.2 CPU-s of loading ffmpeg's libraries on the bench's host), and the
 * bench compares a conversion with plain ffmpeg: an MP4 output's duration comes from its movie header, not from
 * a second ffprobe run — and is the very value ffprobe reports.
 */
describe('convert: ffprobe runs', () => {
  let lib: Awaited<ReturnType<typeof openTempCore>>;
  before(async () => {
    lib = await openTempCore({ concurrency: 1 });
  });
  after(async () => {
    await lib.close();
  });

  it('probes the input once and reports the output duration ffprobe gives', async () => {
    const src = await short('convert-probes-1s.mp4');
    const out = path.join(lib.dataDir, 'converted.mp4');
    const programs: string[] = [];
    const proto = ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
    const realSpawn = proto.spawn;
    proto.spawn = function (this: ChildProcess, ...a: unknown[]) {
      programs.push((a[0] as { file?: string }).file ?? '?');
      return realSpawn.apply(this, a);
    };
    let output: { duration: number };
    try {
      const started = await lib.core.call('convert.start', { inputs: [src], preset: 'mp4-h264', output: out });
      const job = await lib.core.services.jobs.waitFor(started.jobs[0]!.jobId, 120_000);
      assert.equal(job.state, 'succeeded', JSON.stringify(job.error));
      output = job.output as { duration: number };
    } finally {
      proto.spawn = realSpawn;
    }
    const ffprobe = lib.core.services.ffmpeg.tools.ffprobe.path;
    assert.equal(programs.filter((p) => p === ffprobe).length, 1, `programs: ${JSON.stringify(programs)}`);
    const { stdout } = await execFileAsync(await ffprobePath(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', out]);
    assert.equal(output.duration, Number(stdout.trim()));
  });
});
