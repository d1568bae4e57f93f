import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

/** One span in which the event loop did not run a 2 ms timer, and what the main thread did meanwhile. */
export interface Stall {
  /** Wall time between two timer runs (ms). */
  wallMs: number;
  /** Of it, time the main thread ran on a CPU (ms; /proc schedstat), or null where the kernel does not say. */
  cpuMs: number | null;
  /** Of it, time the main thread was runnable but waited for a CPU (ms): other processes' load, not ours. */
  runQueueMs: number | null;
}

/**
 * The main thread's scheduler counters (ns on a CPU, ns waiting in the run queue) from
 * /proc/self/task/<pid>/schedstat (Linux; the main thread's id is the process id). Null elsewhere.
 */
function mainThreadSchedstat(): [number, number] | null {
  try {
    const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
    const r = Number(run);
    const w = Number(wait);
    return Number.isFinite(r) && Number.isFinite(w) ? [r, w] : null;
  } catch {
    return null;
  }
}

/**
 * Watches the event loop with a 2 ms timer and splits every late run (> `thresholdMs`) into what the main thread
 * did: ran code (ours: synchronous work), waited for a CPU (the machine's load: the thread was ready, the kernel
 * ran something else) or slept (synchronous I/O, or a timer that was simply due later). On a loaded shared
 * machine the wall-clock stall is mostly run-queue wait; `ownMs` (wall minus run-queue wait) takes the other
 * programs' share out. It cannot take out a pause of a virtual machine's host (a vCPU taken away without reported
 * steal time): the guest counts that as time on a CPU, or asleep (host-pauses.ts measures those pauses).
 */
export function startStallMonitor(thresholdMs = 20): { stop(): { stalls: Stall[]; maxWallMs: number; maxOwnMs: number } } {
  const stalls: Stall[] = [];
  let last = performance.now();
  let lastSched = mainThreadSchedstat();
  const timer = setInterval(() => {
    const now = performance.now();
    const sched = mainThreadSchedstat();
    const wall = now - last;
    if (wall > thresholdMs) {
      stalls.push({
        wallMs: wall,
        cpuMs: sched && lastSched ? (sched[0] - lastSched[0]) / 1e6 : null,
        runQueueMs: sched && lastSched ? (sched[1] - lastSched[1]) / 1e6 : null,
      });
    }
    last = now;
    lastSched = sched;
  }, 2);
  return {
    stop() {
      clearInterval(timer);
      const own = (s: Stall) => Math.max(0, s.wallMs - (s.runQueueMs ?? 0));
      return {
        stalls,
        maxWallMs: Math.max(0, ...stalls.map((s) => s.wallMs)),
        maxOwnMs: Math.max(0, ...stalls.map(own)),
      };
    },
  };
}
