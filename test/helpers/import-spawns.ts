import { ChildProcess } from 'node:child_process';
import type { openTempCore } from './library.js';
import { processThread } from '../../core/ffmpeg/process-thread.js';

type TestCore = Awaited<ReturnType<typeof openTempCore>>['core'];

/**
 * One child process an import started: its program, arguments, whether it has exited, the thread that started it
 * (the core's main thread, or the process thread: core/ffmpeg/process-thread.ts), and what the caller noted then.
 */
export interface NotedSpawn<T> {
  file: string;
  args: string[];
  exited: () => boolean;
  thread: 'main' | 'process thread';
  noted: T;
}

/**
 * Import `file` and note every child process the import itself starts (its follow-up jobs excluded: noting stops
 * at the import's own end), in order. The real spawn runs; `noteAtSpawn` records what the caller wants to know at
 * the moment of each spawn (e.g. the event loop's turn).
 */
export async function importNotingSpawns<T = undefined>(
  core: TestCore,
  file: string,
  noteAtSpawn: () => T = () => undefined as T,
): Promise<{ job: Awaited<ReturnType<TestCore['services']['jobs']['waitFor']>>; spawns: Array<NotedSpawn<T>> }> {
  const spawns: Array<NotedSpawn<T>> = [];
  let recording = true;
  const proto = ChildProcess.prototype as unknown as { spawn: (...a: unknown[]) => unknown };
  const realSpawn = proto.spawn;
  proto.spawn = function (this: ChildProcess, ...a: unknown[]) {
    const o = a[0] as { file?: string; args?: string[] };
    if (recording)
      spawns.push({
        file: o.file ?? '?',
        args: o.args ?? [],
        exited: () => this.exitCode !== null || this.signalCode !== null,
        thread: 'main',
        noted: noteAtSpawn(),
      });
    return realSpawn.apply(this, a);
  };
  const unwatch = processThread()?.onSpawn((s) => {
    if (recording) spawns.push({ file: s.file, args: s.args, exited: () => s.exited, thread: 'process thread', noted: noteAtSpawn() });
  });
  try {
    const res = await core.call('videos.import', { paths: [file], copy: false });
    const jobId = res.jobs[0]!.jobId;
    const off = core.services.events.subscribe((e) => {
      if (e.type === 'job.state' && e.job.id === jobId && ['succeeded', 'failed', 'cancelled'].includes(e.job.state)) recording = false;
    });
    const job = await core.services.jobs.waitFor(jobId, 120_000);
    off();
    return { job, spawns };
  } finally {
    proto.spawn = realSpawn;
    unwatch?.();
  }
}
