import type { CliCommand, CliContext } from '../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli/command.js';
import { table } from '../cli/output.js';
import { waitForJobs } from '../cli/wait.js';
import type { CoreHandle as Core } from '../handle.js';
import { detectAndWait, detectorOptions, libraryVideo } from '../scenes/cli.js';
import type { ExportedFile } from './export-job.js';
import type { KeyframeImage } from './media.js';
import type { Clip, ClipState } from './store.js';

/** `1,3-5` → [1, 3, 4, 5]; `all` → null. */
export function parseClipList(text: string, what: string): number[] | null {
  if (text.trim() === 'all') return null;
  const out: number[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new UsageError(`${what}: "${part}" is not a clip number or range like 3-5`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UsageError(`${what}: the range ${part} runs backwards`);
    for (let n = a; n <= b; n++) out.push(n);
  }
  return out;
}

function byNumber(clips: Clip[], n: number, what: string): Clip {
  const c = clips.find((x) => x.n === n);
  if (!c) throw new UsageError(`${what}: there is no clip ${n} (the video has ${clips.length})`);
  return c;
}

const clipJson = (c: Clip) => ({
  n: c.n,
  id: c.id,
  start: c.start,
  end: c.end,
  startFrame: c.startFrame,
  endFrame: c.endFrame,
  state: c.state,
});

async function edits(core: Core, video: string, o: CliContext['options']): Promise<void> {
  const list = async () => (await core.call('clips.list', { video })).clips;
  for (const spec of (o.split as string[] | undefined) ?? []) {
    const m = /^(\d+)@(\d+)$/.exec(spec.trim());
    if (!m) throw new UsageError(`--split: expected <clip>@<frame>, got "${spec}"`);
    const c = byNumber(await list(), Number(m[1]), '--split');
    await core.call('clips.split', { video, id: c.id, frame: Number(m[2]) });
  }
  for (const spec of (o.merge as string[] | undefined) ?? []) {
    const m = /^(\d+),(\d+)$/.exec(spec.trim());
    if (!m) throw new UsageError(`--merge: expected <a>,<b>, got "${spec}"`);
    const clips = await list();
    const a = byNumber(clips, Number(m[1]), '--merge');
    const b = byNumber(clips, Number(m[2]), '--merge');
    await core.call('clips.merge', { video, ids: [a.id, b.id] });
  }
  for (const [flag, state] of [
    ['approve', 'approved'],
    ['skip', 'skipped'],
    ['archive', 'archived'],
    ['pending', 'pending'],
  ] as Array<[string, ClipState]>) {
    const spec = o[flag];
    if (typeof spec !== 'string') continue;
    const nums = parseClipList(spec, `--${flag}`);
    const clips = await list();
    await core.call('clips.setState', { video, state, ids: nums === null ? 'all' : nums.map((n) => byNumber(clips, n, `--${flag}`).id) });
  }
  if (o.undo) await core.call('clips.undo', { video });
  if (o.redo) await core.call('clips.redo', { video });
}

export const clipsCommand: CliCommand = {
  name: 'clips',
  summary: 'List, review, split, merge and export the clips (scenes) of a video',
  usage:
    'clips <video> [--detector …] [--threshold N] [--min-scene-len 0.6s|15] [--redetect]\n' +
    '       framewise clips <video> --split <clip>@<frame> | --merge <a>,<b> | --approve/--skip/--archive <clips|all> | --undo | --redo\n' +
    '       framewise clips <video> --keyframes N [--png] | --sprite <clip> | --vtt\n' +
    '       framewise clips <video> --export <dir> [--mode copy|accurate|smart] [--clips 1,3-5] [--join] [--pattern "{video}-{n}"]',
  help:
    '  (no option)            list the clips; a video without clips gets them from a scene detection first\n' +
    '  --redetect             replace the clips by a new detection (undoable)\n' +
    '  --split <clip>@<frame> split clip number <clip> at a frame (the frame starts the second clip)\n' +
    '  --merge <a>,<b>        merge two neighbouring clips\n' +
    '  --approve/--skip/--archive/--pending <clips|all>   set review states (clips: 1,3-5)\n' +
    '  --undo, --redo         undo / redo the latest clip change of the video\n' +
    '  --keyframes <n>        write n keyframe images per clip (1 = the middle); --png for PNG\n' +
    '  --sprite <clip>        the sprite sheet and WebVTT thumbnails track of a clip\n' +
    "  --vtt                  one WebVTT thumbnails track for the whole video (all clips' sprite sheets)\n" +
    '  --export <dir>         export clips: --clips 1,3-5 (default: the approved ones), --mode copy (lossless,\n' +
    '                         starts on the keyframe before the cut; how far it moved is printed), accurate, smart;\n' +
    '                         --join: one file; never overwrites a file\n' +
    'Clip numbers count from 1 in time order; frames are half-open [startFrame, endFrame).',
  options: {
    detector: { type: 'string' },
    threshold: { type: 'string' },
    'min-scene-len': { type: 'string' },
    edges: { type: 'string' },
    redetect: { type: 'boolean' },
    split: { type: 'string', multiple: true },
    merge: { type: 'string', multiple: true },
    approve: { type: 'string' },
    skip: { type: 'string' },
    archive: { type: 'string' },
    pending: { type: 'string' },
    undo: { type: 'boolean' },
    redo: { type: 'boolean' },
    keyframes: { type: 'string' },
    png: { type: 'boolean' },
    sprite: { type: 'string' },
    vtt: { type: 'boolean' },
    export: { type: 'string' },
    mode: { type: 'string' },
    clips: { type: 'string' },
    join: { type: 'boolean' },
    pattern: { type: 'string' },
  },
  async run({ args, options, out, openCore }) {
    if (args.length !== 1) throw new UsageError('clips takes exactly one video');
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const video = await libraryVideo(core, out, args[0]!);
    if (video === null) return EXIT_FAILURE;
    let state = await core.call('clips.list', { video });
    if (!state.clips.length || options.redetect) {
      const det = await detectAndWait(core, out, video, detectorOptions(options));
      if (!det) return EXIT_FAILURE;
      await core.call('clips.fromScenes', { video, detectionId: det.id });
    }
    await edits(core, video, options);
    state = await core.call('clips.list', { video });

    if (options.keyframes !== undefined) {
      const count = Number(options.keyframes);
      if (!Number.isInteger(count) || count < 1) throw new UsageError('--keyframes takes a whole number ≥ 1');
      const images: Array<{ clip: number; images: KeyframeImage[] }> = [];
      for (const c of state.clips)
        images.push({
          clip: c.n,
          images: await core.call('clips.keyframes', { video, id: c.id, count, format: options.png ? 'png' : 'jpeg' }),
        });
      out.result(
        { keyframes: images.map((k) => ({ clip: k.clip, images: k.images.map((i) => ({ frame: i.frame, time: i.time, path: i.path })) })) },
        () => images.map((k) => k.images.map((i) => `${k.clip}\t${i.frame}\t${i.path}`).join('\n')).join('\n'),
      );
      return EXIT_OK;
    }
    if (options.sprite !== undefined) {
      const c = state.clips.find((x) => x.n === Number(options.sprite));
      if (!c) throw new UsageError(`--sprite: there is no clip ${String(options.sprite)}`);
      const sp = await core.call('clips.sprite', { video, id: c.id });
      out.result(
        { clip: c.n, sheet: sp.path, vtt: sp.vttPath, tiles: sp.count, tileWidth: sp.tileWidth, tileHeight: sp.tileHeight },
        () => `${sp.path}\n${sp.vttPath}`,
      );
      return EXIT_OK;
    }
    if (options.vtt) {
      const track = await core.call('clips.vtt', { video });
      out.result({ vtt: track.vttPath, cues: track.cues }, () => track.vttPath);
      return EXIT_OK;
    }
    if (options.export !== undefined) {
      const mode = (options.mode as string | undefined) ?? 'copy';
      if (!['copy', 'accurate', 'smart'].includes(mode)) throw new UsageError('--mode is copy, accurate or smart');
      const nums = options.clips === undefined ? null : parseClipList(String(options.clips), '--clips');
      const ids =
        nums === null
          ? options.clips === undefined
            ? undefined
            : state.clips.map((c) => c.id)
          : nums.map((n) => byNumber(state.clips, n, '--clips').id);
      const { jobId } = await core.call('clips.export', {
        video,
        dir: (await import('node:path')).resolve(String(options.export)),
        mode: mode as 'copy',
        ...(ids ? { ids } : {}),
        ...(options.join ? { join: true } : {}),
        ...(options.pattern ? { pattern: String(options.pattern) } : {}),
      });
      const [job] = await waitForJobs(core, out, [jobId], () => `export ${video}`);
      if (job?.state !== 'succeeded') {
        out.error(`${video}: ${job?.error?.message ?? 'the export did not finish'}`);
        return EXIT_FAILURE;
      }
      const files = (job.output as { files: ExportedFile[] }).files;
      out.result({ files }, () =>
        files
          .map(
            (f) =>
              `${f.path}  frames ${f.startFrame}–${f.endFrame} (${f.mode})` +
              (f.movedFrames ? `  start moved back ${f.movedFrames} frame(s) / ${f.movedSeconds.toFixed(3)} s to a keyframe` : '') +
              (f.note ? `  — ${f.note}` : ''),
          )
          .join('\n'),
      );
      return EXIT_OK;
    }
    out.result(
      { videoId: state.videoId, clips: state.clips.map(clipJson), undoEntryId: state.undoEntryId, redoEntryId: state.redoEntryId },
      () =>
        table(
          ['#', 'start', 'end', 'frames', 'state'],
          state.clips.map((c) => [String(c.n), c.start.toFixed(3), c.end.toFixed(3), `${c.startFrame}–${c.endFrame}`, c.state]),
        ),
    );
    return EXIT_OK;
  },
};
