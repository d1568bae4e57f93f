import { Worker } from 'node:worker_threads';

/** What a thread that never sleeps and never waits sees of the machine: the pauses no code of ours caused. */
export interface HostPauses {
  seconds: number;
  /** Longest span (ms) in which a spinning thread read no clock: its CPU was taken from it. */
  longestMs: number;
  /** Pauses over 50 ms, per spinning thread and second. */
  over50PerSecond: number;
}

// Each thread reads the monotonic clock in a tight loop: a gap between two reads is time the thread did not run.
// On a virtual machine whose host takes its virtual CPUs away (steal time it does not report: /proc/stat's steal
// stays 0), that gap is the host's, and it lands on whatever thread runs there — the event loop included.
const SPIN = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const end = performance.now() + workerData.ms;
let last = performance.now(), longest = 0, over50 = 0;
for (;;) {
  const now = performance.now();
  const gap = now - last;
  if (gap > longest) longest = gap;
  if (gap > 50) over50++;
  last = now;
  if (now > end) break;
}
parentPort.postMessage({ longest, over50 });
`;

/**
 * Spins one thread per core for `seconds` and reports the longest pause any of them saw. A pause of 100 ms on an
 * otherwise idle machine is not an event-loop stall of ours: the bench prints it beside the stalls so a reader
 * can tell the two apart.
 */
export async function measureHostPauses(seconds: number, threads: number): Promise<HostPauses> {
  const results = await Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise<{ longest: number; over50: number }>((resolve, reject) => {
          const w = new Worker(SPIN, { eval: true, workerData: { ms: seconds * 1000 } });
          w.once('message', (m: { longest: number; over50: number }) => resolve(m));
          w.once('error', reject);
        }),
    ),
  );
  return {
    seconds,
    longestMs: Math.max(...results.map((r) => r.longest)),
    over50PerSecond: results.reduce((s, r) => s + r.over50, 0) / threads / seconds,
  };
}
