import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { media } from '../helpers/media.js';
import { openTempCore, waitForFollowUps } from '../helpers/library.js';
import { ratioOfRuns, time, type BenchModule } from './types.js';
import { statSync } from 'node:fs';

const execFileAsync = promisify(execFile);

/** Import throughput: probe + hash + thumbnail of a large file against `sha256sum` of the same file. */
export const importBench: BenchModule = {
  name: 'import',
  async run() {
    const file = await media.large1080();
    const size = statSync(file).size;
    // Warm the page cache so both sides read from memory.
    await execFileAsync('sha256sum', [file]);
    const lib = await openTempCore();
    try {
      const { monitorEventLoopDelay } = await import('node:perf_hooks');
      const stalls: number[] = [];
      // Interleaved: sha256sum, import, sha256sum, import (a fresh library each import, so nothing is a duplicate).
      const bases: number[] = [];
      const imports: number[] = [];
      for (let i = 0; i < 2; i++) {
        bases.push((await time(() => execFileAsync('sha256sum', [file]))).seconds);
        const fresh = i === 0 ? lib : await openTempCore();
        try {
          const loop = monitorEventLoopDelay({ resolution: 5 });
          loop.enable();
          // Only the import job is timed (probe, hash, checks, thumbnail, commit): its follow-ups (frame count,
          // fingerprint) are other work, waited for afterwards so they do not load the next measurement.
          const imp = await time(async () => {
            const res = await fresh.core.call('videos.import', { paths: [file], copy: false });
            return fresh.core.services.jobs.waitFor(res.jobs[0]!.jobId, 120_000);
          });
          loop.disable();
          stalls.push(loop.max / 1e6);
          const job = imp.result;
          if (job.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(job.error)}`);
          await waitForFollowUps(fresh.core, job);
          imports.push(imp.seconds);
        } finally {
          if (fresh !== lib) await fresh.close();
        }
      }
      const maxStallMs = Math.max(...stalls);
      return [
        ratioOfRuns(
          'import',
          'probe+hash+thumbnail / sha256sum',
          imports,
          bases,
          { op: '<=', value: 1.5 },
          `${(size / 1e6).toFixed(0)} MB file; fastest of 2: sha256sum ${Math.min(...bases).toFixed(2)} s, import ${Math.min(...imports).toFixed(2)} s`,
        ),
        {
          area: 'import',
          metric: 'longest event-loop stall during import',
          value: Math.round(maxStallMs * 10) / 10,
          unit: 'ms',
          target: '<= 50',
          pass: maxStallMs <= 50,
          notes: `per import: ${stalls.map((x) => x.toFixed(0)).join(' ms, ')} ms (the first import in the process also loads the import code)`,
        },
      ];
    } finally {
      await lib.close();
    }
  },
};
