/**
 * Worker thread of `ProcessThread` (process-thread.ts): starts child processes with the ordinary `startProcess`
 * (so the same arguments, lifeline and error mapping) and posts back what the caller asked for. The point is
 * that `spawn` blocks its thread until the child has started its program (a fork of the whole process, then the
 * wait until the child, which must first get a CPU, has exec'd): here that is this thread's wait, not the core's
 * event loop's. The ffprobe JSON (hundreds of packet objects: a parse and a schema check of ≈ 10 ms) is read here
 * too.
 */
import { parentPort } from 'node:worker_threads';
import { ChildProcess } from 'node:child_process';
import { keepStdout, startProcess } from './process.js';
import { probeFileWithFrameRate } from './probe.js';
import { FramewiseError } from '../util/errors.js';
import type { ThreadReply, ThreadRequest } from './process-thread.js';

const port = parentPort!;
const running = new Map<number, AbortController>();
const post = (m: ThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

// Every spawn of this thread is announced (pid, program, arguments) before the child can have exited: the core
// kills what is still alive when it exits, and tests see every child process an import starts.
const proto = ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
const realSpawn = proto.spawn;
let current = 0;
proto.spawn = function (this: ChildProcess, ...a: unknown[]) {
  const result = realSpawn.apply(this, a);
  const o = a[0] as { file?: string; args?: string[] };
  if (typeof this.pid === 'number') post({ type: 'spawned', id: current, pid: this.pid, file: o.file ?? '?', args: o.args ?? [] });
  const pid = this.pid;
  this.once('exit', () => typeof pid === 'number' && post({ type: 'exited', pid }));
  return result;
};

async function run(req: ThreadRequest, signal: AbortSignal): Promise<{ reply: ThreadReply; transfer: ArrayBuffer[] }> {
  current = req.id;
  if (req.op === 'probeWithFrameRate') {
    const info = await probeFileWithFrameRate(req.binary, req.file, signal);
    return { reply: { type: 'done', id: req.id, info }, transfer: [] };
  }
  const p = startProcess(req.binary, req.args, {
    signal,
    lifeline: req.lifeline,
    pipeStdout: req.stdoutLimit > 0,
  });
  const out = keepStdout(p, req.stdoutLimit);
  const { stderr } = await p.done;
  // A buffer of its own (not a slice of Node's pool), so it can be handed over without a copy on the other side.
  const stdout = new Uint8Array(out.kept);
  let at = 0;
  for (const c of out.chunks) {
    stdout.set(c, at);
    at += c.length;
  }
  return { reply: { type: 'done', id: req.id, stdout, stdoutTotal: out.total, stderr }, transfer: [stdout.buffer] };
}

port.on('message', (m: ThreadRequest | { op: 'abort'; id: number }) => {
  if (m.op === 'abort') {
    running.get(m.id)?.abort();
    return;
  }
  const controller = new AbortController();
  running.set(m.id, controller);
  run(m, controller.signal).then(
    ({ reply, transfer }) => {
      running.delete(m.id);
      post(reply, transfer);
    },
    (err: unknown) => {
      running.delete(m.id);
      const e = err instanceof FramewiseError ? err : new FramewiseError('internal', (err as Error)?.message ?? String(err));
      post({ type: 'failed', id: m.id, code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) });
    },
  );
});
