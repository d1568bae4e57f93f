import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './fixtures.js';

export interface ServeProcess {
  url: string;
  origin: string;
  port: number;
  token: string;
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<void>;
}

/** Start the real `framewise serve` (bin/framewise.js) on a library folder and wait for its URL. */
export async function startServe(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'bin', 'framewise.js'), 'serve', '--data-dir', dataDir, ...extraArgs], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = () => {
      const m = /Open: (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+)/.exec(out);
      if (m) resolve(m[1]!);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`framewise serve exited with ${code} before printing its URL:\n${out}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    port: Number(u.port),
    token: u.searchParams.get('token')!,
    child,
    output: () => out,
    stop: () => stopServe(child, () => out),
  };
}

/**
 * SIGTERM, as Ctrl+C would: serve stops its jobs, closes the library and exits 0. A server still running after
 * STOP_GRACE_MS is killed, and a stop that fails or is forced fails the test naming that, instead of leaving the
 * test file (and the run) waiting or a job that ignores its abort unseen. A server already gone is not checked.
 */
const STOP_GRACE_MS = 30_000;
function stopServe(child: ChildProcess, output: () => string): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const tail = () => output().slice(-2000);
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`framewise serve did not exit within ${STOP_GRACE_MS / 1000} s of SIGTERM; its output ends:\n${tail()}`));
    }, STOP_GRACE_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`framewise serve exited with ${code ?? signal} at SIGTERM; its output ends:\n${tail()}`));
    });
    child.kill('SIGTERM');
  });
}
