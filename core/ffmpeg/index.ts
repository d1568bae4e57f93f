import { resolveFfmpegTools, type FfmpegTools } from './binaries.js';
import type { FfmpegFeatures } from './features.js';
import { keepStdout, startProcess, runProcess, type StartOptions, type RunningProcess } from './process.js';
import { probeFile, probeFileJson, probeFileWithFrameRate, type MediaInfo } from './probe.js';
import { longFiltersInFiles } from './long-filters.js';
import { processThread } from './process-thread.js';

export type { FfmpegTools, MediaInfo, StartOptions, RunningProcess };
export type { ToolBinary, BinarySource } from './binaries.js';
export type { FfmpegFeature, FeatureNeeds, FeatureStatus, FfmpegFeatures } from './features.js';
export type { FfmpegProgress } from './process.js';
export type { VideoStreamInfo, StreamInfo } from './probe.js';

/** What every ffmpeg run of this module starts with: no banner, never read the terminal, never ask before overwriting. */
const withBaseArgs = (args: string[]): string[] => ['-hide_banner', '-nostdin', '-y', ...args];

/** The one typed ffmpeg module: every ffmpeg/ffprobe call in the core goes through this. */
export class Ffmpeg {
  constructor(readonly tools: FfmpegTools) {}

  /**
   * What the chosen ffmpeg can do: `features.hasEncoder('libvpx-vp9')`, `features.hasFilter('subtitles')`,
   * `features.require('subtitles.burnIn')` (throws ffmpeg_feature_missing naming what is missing).
   */
  get features(): FfmpegFeatures {
    return this.tools.features;
  }

  static async create(opts: { ffmpeg?: string; ffprobe?: string } = {}): Promise<Ffmpeg> {
    return new Ffmpeg(await resolveFfmpegTools(opts));
  }

  probe(file: string, signal?: AbortSignal): Promise<MediaInfo> {
    return probeFile(this.tools.ffprobe.path, file, signal);
  }

  /**
   * `probe`, with `variableFrameRate` also set from the spacing of the first 30 s of video packets (containers
   * such as Matroska report no average rate of their own): one ffprobe run for both.
   */
  probeWithFrameRate(file: string, signal?: AbortSignal): Promise<MediaInfo> {
    // Started and read in the process thread where there is one: its spawn and its JSON are not this thread's stall.
    const thread = processThread();
    if (thread) return thread.probeWithFrameRate(this.tools.ffprobe.path, file, signal);
    return probeFileWithFrameRate(this.tools.ffprobe.path, file, signal);
  }

  /** ffprobe's own JSON of the file: format, streams and chapters, unparsed. */
  probeJson(file: string, signal?: AbortSignal): Promise<unknown> {
    return probeFileJson(this.tools.ffprobe.path, file, signal);
  }

  /**
   * Start ffmpeg (`-hide_banner -nostdin -y` are always added). A filter graph too long for one argument is
   * passed in a temporary file (long-filters.ts), removed when the process ends.
   */
  start(args: string[], opts: StartOptions = {}): RunningProcess {
    const long = longFiltersInFiles(args);
    const p = startProcess(this.tools.ffmpeg.path, withBaseArgs(long.args), { lifeline: true, ...opts });
    p.done.then(long.cleanup, long.cleanup);
    return p;
  }

  /**
   * `start(args)` run to its end, keeping its stdout's first `stdoutLimit` bytes (`stdoutTotal`: how many it
   * wrote); rejects as `start(...).done` does. Started from the process thread where there is one (the fork and
   * the wait for the child's exec are then not this thread's: process-thread.ts).
   */
  async runKeepingStdout(
    args: string[],
    opts: { stdoutLimit: number; signal?: AbortSignal },
  ): Promise<{ stdout: Buffer; stdoutTotal: number; stderr: string }> {
    const thread = processThread();
    if (thread) {
      const long = longFiltersInFiles(args);
      try {
        return await thread.run(this.tools.ffmpeg.path, withBaseArgs(long.args), {
          lifeline: true,
          stdoutLimit: opts.stdoutLimit,
          ...(opts.signal ? { signal: opts.signal } : {}),
        });
      } finally {
        long.cleanup();
      }
    }
    const p = this.start(args, { pipeStdout: true, ...(opts.signal ? { signal: opts.signal } : {}) });
    const out = keepStdout(p, opts.stdoutLimit);
    const { stderr } = await p.done;
    return { stdout: Buffer.concat(out.chunks, out.kept), stdoutTotal: out.total, stderr };
  }

  /** The command line `start` runs for these arguments (with `-progress` when `withProgress`). */
  commandLine(args: string[], withProgress = false): string[] {
    return [this.tools.ffmpeg.path, ...(withProgress ? ['-progress', 'pipe:3', '-nostats'] : []), ...withBaseArgs(args)];
  }

  /** Run ffmpeg to its end; with its stderr comes the exact command line it ran (for audits). */
  async run(args: string[], opts: StartOptions = {}): Promise<{ stderr: string; command: string[] }> {
    const p = this.start(args, opts);
    const { stderr } = await p.done;
    return { stderr, command: this.commandLine(args, (opts.lifeline ?? true) || !!opts.onProgress) };
  }

  private ownPixelsFfmpegFailed = false;

  /**
   * Run ffmpeg on input this program wrote itself (never a user's file) with the quickest-starting build
   * (`FfmpegTools.ownPixelsFfmpeg`); should that one fail, the chosen ffmpeg runs it (and does from then on).
   */
  async runOnOwnInput(args: string[], opts: StartOptions = {}): Promise<{ stderr: string }> {
    const quick = this.tools.ownPixelsFfmpeg;
    if (quick && quick !== this.tools.ffmpeg.path && !this.ownPixelsFfmpegFailed) {
      try {
        const thread = Object.keys(opts).every((k) => k === 'signal') ? processThread() : null;
        if (thread) {
          const { stderr } = await thread.run(quick, withBaseArgs(args), {
            lifeline: true,
            stdoutLimit: 0,
            ...(opts.signal ? { signal: opts.signal } : {}),
          });
          return { stderr };
        }
        return await startProcess(quick, withBaseArgs(args), { lifeline: true, ...opts }).done;
      } catch (err) {
        if (opts.signal?.aborted) throw err;
        this.ownPixelsFfmpegFailed = true;
      }
    }
    return this.run(args, opts);
  }

  ffprobe(args: string[], opts: StartOptions = {}): Promise<{ stderr: string; stdout: string }> {
    return runProcess(this.tools.ffprobe.path, args, opts);
  }
}
