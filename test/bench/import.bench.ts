import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { media } from '../helpers/media.js';
import { importAndWait, openTempCore, waitForFollowUps } from '../helpers/library.js';
import { median, ratioOfRuns, time, type BenchModule } from './types.js';
import { startStallMonitor, type Stall } from './stall-monitor.js';
import { statSync } from 'node:fs';
import { childCpuSeconds, ownCpuSeconds } from './cpu-seconds.js';
import { measureHostPauses } from './host-pauses.js';
import os from 'node:os';

/** Measured imports (after a warm-up): the stall row is their median, so one pause of the host's is not the figure. */
const IMPORTS = 5;

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
    // CPU seconds: this process (the core, its hashing thread) plus the children it has reaped (ffmpeg, ffprobe,
    // sha256sum): a ratio that a loaded machine distorts far less than wall-clock time.
    const childCpu = childCpuSeconds;
    const ownCpu = ownCpuSeconds;
    try {
      // Warm-up: the first import in a process also loads the import code; that is not the import's stall.
      // Its stall is still reported (in the notes), split like the others.
      const warmMonitor = startStallMonitor();
      const warm = await importAndWait(lib.core, [await media.mp4(2)]);
      const warmStall = warmMonitor.stop();
      if (warm[0]?.state !== 'succeeded') throw new Error(`warm-up import failed: ${JSON.stringify(warm[0]?.error)}`);
      const { monitorEventLoopDelay } = await import('node:perf_hooks');
      const stalls: number[] = [];
      const split: Array<{ maxWallMs: number; maxOwnMs: number; stalls: Stall[] }> = [];
      // Interleaved: sha256sum, import, sha256sum, import, … (a fresh library each import, so nothing is a duplicate).
      const bases: number[] = [];
      const imports: number[] = [];
      const baseCpu: number[] = [];
      const importCpu: number[] = [];
      // The machine's own pauses, measured the same way just before: what a thread that never waits sees.
      const host = await measureHostPauses(4, os.cpus().length);
      for (let i = 0; i < IMPORTS; i++) {
        const c0 = childCpu();
        bases.push((await time(() => execFileAsync('sha256sum', [file]))).seconds);
        baseCpu.push(childCpu() - c0);
        const fresh = await openTempCore();
        try {
          const loop = monitorEventLoopDelay({ resolution: 5 });
          loop.enable();
          const monitor = startStallMonitor();
          // Only the import job is timed (probe, hash, checks, thumbnail, commit): its follow-ups (frame count,
          // fingerprint) are other work, waited for afterwards so they do not load the next measurement.
          const cpu0 = ownCpu() + childCpu();
          const imp = await time(async () => {
            const res = await fresh.core.call('videos.import', { paths: [file], copy: false });
            return fresh.core.services.jobs.waitFor(res.jobs[0]!.jobId, 120_000);
          });
          loop.disable();
          split.push(monitor.stop());
          importCpu.push(ownCpu() + childCpu() - cpu0);
          stalls.push(loop.max / 1e6);
          const job = imp.result;
          if (job.state !== 'succeeded') throw new Error(`import failed: ${JSON.stringify(job.error)}`);
          await waitForFollowUps(fresh.core, job);
          imports.push(imp.seconds);
        } finally {
          await fresh.close();
        }
      }
      const maxStallMs = Math.max(...stalls);
      const medianStallMs = median(stalls);
      const maxOwnMs = Math.max(...split.map((x) => x.maxOwnMs));
      // The worst stall of each import, split: wall = on a CPU + waiting for one + the rest (sleeping, sync I/O).
      const worst = (x: { stalls: Stall[] }) => {
        const s = [...x.stalls].sort((a, b) => b.wallMs - a.wallMs)[0];
        if (!s) return 'none over 20 ms';
        const f = (v: number | null) => (v === null ? '?' : v.toFixed(0));
        return `${s.wallMs.toFixed(0)} ms = ${f(s.cpuMs)} on CPU + ${f(s.runQueueMs)} waiting for a CPU + ${f(s.cpuMs === null || s.runQueueMs === null ? null : Math.max(0, s.wallMs - s.cpuMs - s.runQueueMs))} other`;
      };
      return [
        ratioOfRuns(
          'import',
          'probe+hash+thumbnail / sha256sum',
          imports,
          bases,
          { op: '<=', value: 1.5 },
          `${(size / 1e6).toFixed(0)} MB file; fastest of ${IMPORTS}: sha256sum ${Math.min(...bases).toFixed(2)} s, import ${Math.min(...imports).toFixed(2)} s`,
        ),
        ratioOfRuns(
          'import',
          'CPU seconds: import / sha256sum',
          importCpu,
          baseCpu,
          undefined,
          `least of ${IMPORTS}: sha256sum ${Math.min(...baseCpu).toFixed(2)} CPU-s, import ${Math.min(...importCpu).toFixed(2)} CPU-s (core process and its ffmpeg/ffprobe children)`,
        ),
        {
          area: 'import',
          metric: `longest event-loop stall during import (median of ${IMPORTS} imports)`,
          value: Math.round(medianStallMs * 10) / 10,
          unit: 'ms',
          target: '<= 50',
          pass: medianStallMs <= 50,
          notes: `each import's longest: ${stalls.map((x) => x.toFixed(0)).join(' ms, ')} ms; worst ${maxStallMs.toFixed(0)} ms (monitorEventLoopDelay, 5 ms resolution; after a warm-up import, so loading the import code is not counted). The median, not the worst: this host takes a busy virtual CPU away for ≈ 100 ms at a time without telling the guest (no steal time), and such a pause lands on the event loop as on any thread — just before, ${os.cpus().length} threads spinning for ${host.seconds} s with no I/O saw pauses up to ${host.longestMs.toFixed(0)} ms (${host.over50PerSecond.toFixed(2)} per thread and second over 50 ms). Worst stall per import, split: ${split.map(worst).join('; ')}; first (warm-up) import in the process: ${worst(warmStall)}`,
        },
        {
          area: 'import',
          metric: "longest stall less the main thread's wait for a CPU",
          value: Math.round(maxOwnMs * 10) / 10,
          unit: 'ms',
          notes: `wall minus the run-queue wait the guest kernel saw (/proc schedstat): the other programs' share taken out. A pause of the host's is not taken out (the guest does not see it: it counts as time on a CPU, or asleep, when it strikes the running or sleeping thread), so one such pause shows here too; per import: ${split.map((x) => x.maxOwnMs.toFixed(0)).join(' ms, ')} ms; first import in the process ${warmStall.maxOwnMs.toFixed(0)} ms`,
        },
      ];
    } finally {
      await lib.close();
    }
  },
};
