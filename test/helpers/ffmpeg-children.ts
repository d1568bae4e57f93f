import { readdirSync, readFileSync, statSync } from 'node:fs';

/**
 * Pids of the ffmpeg processes this process has started and that are still alive (started through `setpriv`,
 * which execs ffmpeg under the same pid). Linux only (/proc); a process gone while being looked at is skipped.
 */
export function ffmpegChildren(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
        return Number(stat.split(') ')[1]!.split(' ')[1]) === process.pid && stat.includes('(ffmpeg)');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** What a process's stdout is: a FIFO, or a socket (node's default child stdio); null once it is gone. */
export function stdoutKind(pid: number): 'fifo' | 'socket' | 'other' | null {
  try {
    const s = statSync(`/proc/${pid}/fd/1`);
    return s.isFIFO() ? 'fifo' : s.isSocket() ? 'socket' : 'other';
  } catch {
    return null;
  }
}

/** Threads of a process; null once it is gone. */
export function threadCount(pid: number): number | null {
  try {
    return readdirSync(`/proc/${pid}/task`).length;
  } catch {
    return null;
  }
}
