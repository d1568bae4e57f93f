import { readFileSync } from 'node:fs';

/**
 * CPU seconds for bench ratios: on a loaded shared machine a ratio of CPU seconds is distorted far less than one
 * of wall-clock times. Linux only (/proc); fields 14 and 15 after the command name are cutime and cstime in
 * clock ticks (100 per second on Linux).
 */

/** user+sys CPU seconds of this process (all its threads: core, workers). */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** user+sys CPU seconds of the children this process has reaped (ffmpeg, ffprobe, sha256sum). */
export function childCpuSeconds(): number {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  return (Number(f[13]) + Number(f[14])) / 100;
}

/** Both together. */
export function cpuSeconds(): number {
  return ownCpuSeconds() + childCpuSeconds();
}
