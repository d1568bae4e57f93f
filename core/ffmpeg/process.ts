import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { FramewiseError, cancelled, type ErrorCode } from '../util/errors.js';

/** Every ffmpeg/ffprobe child alive in this process, so none outlives it. */
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

export function liveChildPids(): number[] {
  return [...live].map((c) => c.pid).filter((p): p is number => typeof p === 'number');
}

let guardPath: string | null | undefined;
/** `setpriv` (util-linux) when it can set a parent-death signal; null elsewhere. */
function deathGuard(): string | null {
  if (guardPath !== undefined) return guardPath;
  guardPath = null;
  if (process.platform !== 'linux') return guardPath;
  for (const p of ['/usr/bin/setpriv', '/bin/setpriv']) {
    if (existsSync(p)) {
      guardPath = p;
      break;
    }
  }
  return guardPath;
}

export interface FfmpegProgress {
  /** Output time reached, seconds. */
  outTime: number;
  frame: number;
  speed: number | null;
  done: boolean;
}

export interface StartOptions {
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  /** Keep stdout as a stream for the caller (raw frames, etc.). Otherwise it is discarded. */
  pipeStdout?: boolean;
  /** Give the child this file descriptor as its stdout (e.g. a FIFO's write end); overrides `pipeStdout`. */
  stdoutFd?: number;
  /**
   * More file descriptors for the child, as its fd 4, 5, … (fd 3 is the progress pipe, or unused): e.g. a FIFO's
   * write end for a second stream of output (`pipe:4`).
   */
  extraFds?: number[];
  /** Receive stderr line by line (e.g. per-frame `showinfo` lines). The error tail is kept either way. */
  onStderrLine?: (line: string) => void;
  cwd?: string;
  /**
   * Tie the child's life to this process without relying on any cleanup here: ffmpeg writes `-progress` to a
   * pipe we hold every ~0.5 s, and (ffmpeg ignores SIGPIPE and carries on after a failed progress write) on
   * Linux it is started through `setpriv --pdeathsig KILL`, so the kernel kills it the moment this process dies,
   * even by SIGKILL. Frame pipes (stdout) end it by themselves (a write error is fatal). On for ffmpeg.
   */
  lifeline?: boolean;
}

export interface RunningProcess {
  child: ChildProcess;
  stdout: Readable | null;
  /** Resolves when the process exits with 0; rejects with a FramewiseError otherwise (or 'cancelled'). */
  done: Promise<{ stderr: string }>;
}

/** A child's stdout kept up to a byte limit while all of it is counted (for the caller's "output too large"). */
export interface KeptStdout {
  chunks: Buffer[];
  kept: number;
  total: number;
}

/** Keeps the first `limit` bytes of `p`'s stdout (on the main thread and in the process thread alike). */
export function keepStdout(p: RunningProcess, limit: number): KeptStdout {
  const out: KeptStdout = { chunks: [], kept: 0, total: 0 };
  p.stdout?.on('data', (d: Buffer) => {
    const n = Math.min(d.length, limit - out.kept);
    if (n > 0) {
      out.chunks.push(n === d.length ? d : d.subarray(0, n));
      out.kept += n;
    }
    out.total += d.length;
  });
  return out;
}

const STDERR_KEEP = 64 * 1024;

/** Map ffmpeg's stderr to one of our error codes with a readable reason. */
export function classifyFfmpegError(stderr: string): { code: ErrorCode; reason: string } {
  const s = stderr;
  if (/No space left on device/i.test(s)) return { code: 'disk_full', reason: 'the disk is full' };
  if (/moov atom not found|Invalid NAL unit size|partial file|Truncat/i.test(s))
    return { code: 'truncated', reason: 'the file is truncated or incomplete' };
  if (/Invalid data found when processing input|could not find codec parameters|Unknown input format|EBML header parsing failed/i.test(s))
    return { code: 'not_media', reason: 'not a media file ffmpeg can read' };
  if (/Decoder \(codec .*\) not found|Unknown decoder|no decoder|Could not find codec|unsupported codec/i.test(s))
    return { code: 'unsupported_codec', reason: 'its codec is not supported' };
  if (/Permission denied/i.test(s)) return { code: 'file_unreadable', reason: 'permission denied' };
  if (/No such file or directory/i.test(s)) return { code: 'file_missing', reason: 'the file does not exist' };
  const lines = s
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return { code: 'ffmpeg_failed', reason: lines.slice(-3).join(' | ') || 'ffmpeg failed' };
}

function parseProgressBlock(block: Map<string, string>): FfmpegProgress {
  const us = Number(block.get('out_time_us') ?? block.get('out_time_ms') ?? NaN);
  const speedText = block.get('speed')?.replace('x', '').trim();
  const speed = speedText && speedText !== 'N/A' ? Number(speedText) : null;
  return {
    outTime: Number.isFinite(us) && us > 0 ? us / 1e6 : 0,
    frame: Number(block.get('frame') ?? 0) || 0,
    speed: speed !== null && Number.isFinite(speed) ? speed : null,
    done: block.get('progress') === 'end',
  };
}

/**
 * Start ffmpeg or ffprobe with an argument array (never a shell). Progress is read from `-progress pipe:3`
 * when the caller passes `onProgress` (the flag is added here). Aborting the signal kills the process at once.
 */
export function startProcess(binary: string, args: string[], opts: StartOptions = {}): RunningProcess {
  installExitHook();
  if (opts.signal?.aborted) {
    return { child: null as unknown as ChildProcess, stdout: null, done: Promise.reject(cancelled()) };
  }
  const progressPipe = !!opts.onProgress || !!opts.lifeline;
  const fullArgs = progressPipe ? ['-progress', 'pipe:3', '-nostats', ...args] : args;
  const guard = opts.lifeline ? deathGuard() : null;
  const child = spawn(guard ?? binary, guard ? ['--pdeathsig', 'KILL', '--', binary, ...fullArgs] : fullArgs, {
    stdio: [
      'ignore',
      opts.stdoutFd ?? (opts.pipeStdout ? 'pipe' : 'ignore'),
      'pipe',
      progressPipe ? 'pipe' : 'ignore',
      ...(opts.extraFds ?? []),
    ],
    cwd: opts.cwd,
    windowsHide: true,
  });
  live.add(child);
  let stderr = '';
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (d: string) => {
    stderr += d;
    if (stderr.length > STDERR_KEEP * 2) stderr = stderr.slice(-STDERR_KEEP);
    if (opts.onStderrLine) {
      partial += d;
      let nl: number;
      while ((nl = partial.indexOf('\n')) >= 0) {
        opts.onStderrLine(partial.slice(0, nl));
        partial = partial.slice(nl + 1);
      }
    }
  });
  const progressStream = child.stdio[3] as Readable | null | undefined;
  // Without a listener the lifeline pipe is drained and discarded (a full pipe would stall ffmpeg).
  if (!opts.onProgress && progressStream) progressStream.resume();
  if (opts.onProgress && progressStream) {
    let buf = '';
    let block = new Map<string, string>();
    progressStream.setEncoding('utf8');
    progressStream.on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        const eq = line.indexOf('=');
        if (eq < 0) continue;
        const key = line.slice(0, eq);
        block.set(key, line.slice(eq + 1));
        if (key === 'progress') {
          opts.onProgress?.(parseProgressBlock(block));
          block = new Map();
        }
      }
    });
  }
  let aborted = false;
  const onAbort = () => {
    aborted = true;
    child.kill('SIGKILL');
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  const done = new Promise<{ stderr: string }>((resolve, reject) => {
    child.once('error', (err) => {
      live.delete(child);
      opts.signal?.removeEventListener('abort', onAbort);
      reject(new FramewiseError('ffmpeg_missing', `Could not start ${binary}: ${err.message}`));
    });
    child.once('close', (code, sig) => {
      live.delete(child);
      opts.signal?.removeEventListener('abort', onAbort);
      if (aborted) return reject(cancelled());
      if (code === 0) return resolve({ stderr });
      if (guard && code === 127 && /setpriv: failed to execute/.test(stderr)) {
        return reject(new FramewiseError('ffmpeg_missing', `Could not start ${binary}: ${stderr.trim().split('\n').pop() ?? ''}`));
      }
      const { code: errCode, reason } = classifyFfmpegError(stderr);
      reject(new FramewiseError(errCode, reason, { exitCode: code, signal: sig, stderrTail: stderr.slice(-2000) }));
    });
  });
  // Avoid unhandled rejection warnings when the caller only awaits later.
  done.catch(() => undefined);
  return { child, stdout: opts.pipeStdout && opts.stdoutFd === undefined ? child.stdout : null, done };
}

export async function runProcess(binary: string, args: string[], opts: StartOptions = {}): Promise<{ stderr: string; stdout: string }> {
  const p = startProcess(binary, args, { ...opts, pipeStdout: true });
  let stdout = '';
  p.stdout?.setEncoding('utf8');
  p.stdout?.on('data', (d: string) => (stdout += d));
  const { stderr } = await p.done;
  return { stderr, stdout };
}
