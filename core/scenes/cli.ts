import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli/command.js';
import { table } from '../cli/output.js';
import { waitForJobs } from '../cli/wait.js';
import { expandInputs, resolveLibraryVideos, type ResolvedInput } from '../cli/inputs.js';
import type { Output } from '../cli/output.js';
import type { CoreHandle as Core } from '../handle.js';
import { DETECTORS, type DetectorName } from './params.js';
import type { SceneResult } from './store.js';

export function sceneJson(r: SceneResult) {
  return {
    videoId: r.videoId,
    detector: r.detector,
    params: r.params,
    fps: `${r.fps.num}/${r.fps.den}`,
    scenes: r.scenes.map((s) => ({ start: round(s.start), end: round(s.end), startFrame: s.startFrame, endFrame: s.endFrame })),
  };
}

const round = (t: number) => Math.round(t * 1e6) / 1e6;

/** Parse the shared detector options (also used by `framewise clips --detect`). */
export function detectorOptions(options: Record<string, unknown>) {
  const detector = options.detector === undefined ? undefined : String(options.detector);
  if (detector !== undefined && !DETECTORS.includes(detector as DetectorName))
    throw new UsageError(`--detector must be one of ${DETECTORS.join(', ')}, got "${detector}"`);
  const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold)) throw new UsageError(`--threshold must be a number`);
  const min = options['min-scene-len'] === undefined ? undefined : String(options['min-scene-len']).trim();
  if (min !== undefined && !/^(\d+(\.\d+)?s|\d+)$/.test(min))
    throw new UsageError(`--min-scene-len must be seconds like 0.6s or frames like 15, got "${min}"`);
  const edges = options.edges === undefined ? undefined : Number(options.edges);
  if (edges !== undefined && !(Number.isFinite(edges) && edges >= 0 && edges <= 10))
    throw new UsageError(`--edges must be a weight from 0 to 10, got "${String(options.edges)}"`);
  return {
    ...(detector ? { detector: detector as DetectorName } : {}),
    ...(threshold !== undefined ? { threshold } : {}),
    ...(min ? { minSceneLen: min } : {}),
    ...(edges !== undefined ? { edgeWeight: edges } : {}),
  };
}

/** Detect (or read from the store) and wait; null when the job failed (reported on stderr). */
export async function detectAndWait(
  core: Core,
  out: Parameters<CliCommand['run']>[0]['out'],
  video: string,
  params: ReturnType<typeof detectorOptions>,
  force = false,
) {
  const first = await core.call('scenes.detect', { video, ...params, ...(force ? { force } : {}) });
  if (first.result) return first.result;
  const [job] = await waitForJobs(core, out, [first.jobId!], () => `scenes ${video}`);
  if (job?.state !== 'succeeded') {
    out.error(`${video}: ${job?.error?.message ?? 'scene detection did not finish'}`);
    return null;
  }
  return core.call('scenes.get', { video, ...params });
}

const isDirectory = (p: string) =>
  stat(p).then(
    (x) => x.isDirectory(),
    () => false,
  );

/** Report an input that is no usable video (the message names the input, or is prefixed with it). */
function reportUnusable(out: Output, r: ResolvedInput): void {
  const message = r.error?.message ?? 'not a library video';
  out.error(message.includes(r.input) ? message : `${r.input}: ${message}`);
}

/**
 * `<video>`: a library video (id or path). A file that is not in the library yet is imported first, as an editor
 * running `framewise scenes clip.mp4` expects. Null when it is no usable video: reported on stderr, naming the
 * file and why.
 */
export async function libraryVideo(core: Core, out: Output, ref: string): Promise<string | null> {
  if (await isDirectory(ref)) throw new UsageError(`${ref} is a folder; this takes one video`);
  const [r] = await resolveLibraryVideos(core, [ref], out);
  if (r && r.videoId !== null) return String(r.videoId);
  if (r) reportUnusable(out, r);
  return null;
}

/**
 * The videos to detect, each once: library ids and paths as they are, other files imported first (one batch);
 * a folder stands for its footage: the library videos in it and its media files, those not in the library yet
 * imported first (an editor's folder, detected in one action). `failed`: some input was no usable video.
 */
async function videosToDetect(core: Core, out: Output, args: string[]): Promise<{ videos: string[]; folders: boolean; failed: boolean }> {
  const refs: string[] = [];
  let folders = false;
  for (const a of args) {
    if (!(await isDirectory(a))) {
      refs.push(a);
      continue;
    }
    folders = true;
    const dir = path.resolve(a) + path.sep;
    const { videos } = await core.call('videos.list', { limit: 100000 });
    const inside = videos
      .filter((v) => v.path.startsWith(dir) || v.originalPath.startsWith(dir))
      .sort((x, y) => x.path.localeCompare(y.path))
      .map((v) => String(v.id));
    const files = await expandInputs([a]);
    if (!inside.length && !files.length) throw new UsageError(`${a}: no videos in this folder`);
    refs.push(...inside, ...files);
  }
  const resolved = await resolveLibraryVideos(core, refs, out);
  const ids = new Set<number>();
  let failed = false;
  for (const r of resolved) {
    if (r.videoId !== null) ids.add(r.videoId);
    else {
      failed = true;
      reportUnusable(out, r);
    }
  }
  return { videos: [...ids].map(String), folders, failed };
}

export const scenesCommand: CliCommand = {
  name: 'scenes',
  summary: 'Detect the scenes of videos (PySceneDetect-compatible detectors and thresholds)',
  usage:
    'scenes <video|folder>… [--detector content|adaptive|threshold|hash|histogram] [--threshold N] [--min-scene-len 0.6s|15] [--force]',
  help:
    '  --detector <name>      adaptive (default), content, threshold (fades to black), hash, histogram\n' +
    '  --threshold <n>        content 27, adaptive 3 (ratio), threshold 12 (intensity), hash 0.395, histogram 0.05\n' +
    '  --min-scene-len <len>  seconds ("0.6s", the default) or frames ("15")\n' +
    '  --edges <weight>       content/adaptive: weight of the edge term (0 = off)\n' +
    '  --force                detect again even when stored for these parameters\n' +
    'A file that is not in the library yet is imported first; a folder stands for its videos (the library videos in\n' +
    'it, and its media files, imported first where they are not in the library yet).\n' +
    'Scenes are half-open [start, end) in seconds and [startFrame, endFrame) in frames (presentation timestamps).',
  options: {
    detector: { type: 'string' },
    threshold: { type: 'string' },
    'min-scene-len': { type: 'string' },
    edges: { type: 'string' },
    force: { type: 'boolean' },
  },
  async run({ args, options, out, openCore }) {
    if (!args.length) throw new UsageError('scenes takes at least one video');
    const params = detectorOptions(options);
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const { videos, folders, failed: unusable } = await videosToDetect(core, out, args);
    const results: SceneResult[] = [];
    let failed = unusable;
    for (const video of videos) {
      const r = await detectAndWait(core, out, video, params, Boolean(options.force));
      if (r) results.push(r);
      else failed = true;
    }
    const json = results.map(sceneJson);
    out.result(args.length === 1 && !folders && json.length === 1 ? json[0] : { videos: json }, () =>
      results
        .map((r) =>
          table(
            ['#', 'start', 'end', 'frames'],
            r.scenes.map((s, i) => [String(i + 1), s.start.toFixed(3), s.end.toFixed(3), `${s.startFrame}–${s.endFrame}`]),
          ),
        )
        .join('\n\n'),
    );
    return failed ? EXIT_FAILURE : EXIT_OK;
  },
};
