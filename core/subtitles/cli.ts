import path from 'node:path';
import type { CliCommand } from '../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../cli/command.js';
import { table } from '../cli/output.js';
import { waitForJobs } from '../cli/wait.js';
import type { CoreHandle as Core } from '../handle.js';
import { writeAtomically } from '../util/fs.js';
import { readFile, writeFile } from 'node:fs/promises';
import type { ParseIssue } from './types.js';

/** `1.5s`, `-2s`, `250ms`, `-0.5` (seconds) → whole milliseconds. */
export function parseOffset(text: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(ms|s)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--shift: "${text}" is not an offset (like 1.5s, -2s or 250ms)`);
  return Math.round(Number(m[1]) * (m[2] === 'ms' ? 1 : 1000));
}

function trackNumber(v: unknown, what: string): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !/^\d+$/.test(v)) throw new UsageError(`${what}: "${String(v)}" is not a track number (see --list)`);
  return Number(v);
}

const opt = (v: unknown) => (typeof v === 'string' ? v : undefined);

function describeIssues(issues: ParseIssue[]): string {
  return issues.map((i) => `  line ${i.line}: ${i.severity}: ${i.message}`).join('\n');
}

async function waitJob(core: Core, ctx: Parameters<CliCommand['run']>[0], jobId: number, label: string): Promise<number> {
  const [job] = await waitForJobs(core, ctx.out, [jobId], () => label);
  ctx.out.result(job, () =>
    job!.state === 'succeeded'
      ? `${label}: done → ${(job!.output as { output: string }).output}`
      : `${label}: ${job!.error?.message ?? job!.state}`,
  );
  return job!.state === 'succeeded' ? EXIT_OK : EXIT_FAILURE;
}

/**
 * Speech segments from a JSON file: `[{"start": 1.2, "end": 3.4}, …]` in seconds (what a voice activity
 * detector writes), or `{"segments": [...]}`.
 */
async function readSpeech(file: string | undefined): Promise<Array<{ startMs: number; endMs: number }> | undefined> {
  if (!file) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path.resolve(file), 'utf8'));
  } catch (err) {
    throw new UsageError(`--speech: ${file}: ${(err as Error).message}`);
  }
  const list = Array.isArray(json) ? json : (json as { segments?: unknown }).segments;
  if (!Array.isArray(list)) throw new UsageError(`--speech: ${file} is not a list of {start, end} segments`);
  return list.map((x: { start?: unknown; end?: unknown }, i) => {
    if (typeof x.start !== 'number' || typeof x.end !== 'number')
      throw new UsageError(`--speech: segment ${i + 1} has no numeric start/end`);
    return { startMs: Math.round(x.start * 1000), endMs: Math.round(x.end * 1000) };
  });
}

export const subtitlesCli: CliCommand = {
  name: 'subtitles',
  summary: 'Subtitle tracks of a video: list, import, export, shift, burn in, mux',
  usage:
    'subtitles <video> --list\n' +
    '       framewise subtitles <video> --import <file.srt|.vtt|.ass|.ssa|.json> [--lang de] [--title T] | --import-stream <index>\n' +
    '       framewise subtitles <video> --export <file.srt|.vtt|.ass> [--track N]\n' +
    '       framewise subtitles <video> --shift 1.5s [--track N] | --check | --enforce [--track N] | --undo | --redo\n' +
    '       framewise subtitles <video> --burn -o out.mp4 [--track N] [--style default|box|large|top]\n' +
    '       framewise subtitles <video> --mux -o out.mkv|out.mp4 [--tracks 1,2] [--into-export <anonymized export id>]\n' +
    '       framewise subtitles <video> --snap|--from-speech --speech segments.json [--track N] | --reviewed [--track N]',
  help:
    '  --list                 stored tracks and the subtitle streams inside the file (bitmap ones cannot be imported)\n' +
    '  --import <file>        SRT, WebVTT, ASS/SSA or Whisper JSON; any of UTF-8 (±BOM), UTF-16, Windows-1252;\n' +
    '                         safe repairs are listed by line, anything else refuses the whole file\n' +
    '  --import-stream <i>    import the embedded text subtitle stream with file index i\n' +
    '  --lang <code>          language of the imported track (de, en, …)\n' +
    '  --title <text>         title of the imported track\n' +
    '  --export <file>        write a track as SRT/VTT/ASS (UTF-8, exact milliseconds); the extension picks the format\n' +
    '  --shift <offset>       move every cue (1.5s, -2s, 250ms); undo with --undo\n' +
    '  --check                warnings per cue: reading speed, line length, overlaps, gaps\n' +
    '  --enforce              lengthen cues read too fast and keep the minimum gap where the timeline allows\n' +
    '  --burn -o out.mp4      burn a track into the picture (one ffmpeg pass, libass); --style picks a preset\n' +
    '  --mux -o out.mkv       add tracks as soft subtitles without re-encoding (MKV: SRT/ASS, MP4: mov_text)\n' +
    '  --into-export <id>     mux into a copy of that verified anonymized export (reviewed tracks only, named with\n' +
    '                         --tracks; cue times follow its cuts). Anonymized exports never carry subtitles otherwise\n' +
    '  --reviewed             mark a track reviewed (required before it may be kept in an anonymized export)\n' +
    '  --snap                 snap cue edges to speech boundaries within --tolerance ms (default 300)\n' +
    '  --from-speech          add empty cues for speech segments (a start for typing a transcript)\n' +
    '  --speech <file.json>   speech segments [{"start": s, "end": s}, …]; default: the video\'s "speech" lane\n' +
    '  --track N / --tracks   which track(s), by the number shown by --list (default: the first / all)',
  options: {
    list: { type: 'boolean' },
    import: { type: 'string' },
    'import-stream': { type: 'string' },
    lang: { type: 'string' },
    title: { type: 'string' },
    export: { type: 'string' },
    track: { type: 'string' },
    tracks: { type: 'string' },
    shift: { type: 'string' },
    check: { type: 'boolean' },
    undo: { type: 'boolean' },
    redo: { type: 'boolean' },
    burn: { type: 'boolean' },
    mux: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    style: { type: 'string' },
    snap: { type: 'boolean' },
    'from-speech': { type: 'boolean' },
    speech: { type: 'string' },
    tolerance: { type: 'string' },
    reviewed: { type: 'boolean' },
    enforce: { type: 'boolean' },
    'into-export': { type: 'string' },
  },
  async run(ctx) {
    const { args, options: o, out } = ctx;
    if (args.length !== 1) throw new UsageError('subtitles needs exactly one video (id or path)');
    const actions = [
      'list',
      'import',
      'import-stream',
      'export',
      'shift',
      'check',
      'undo',
      'redo',
      'burn',
      'mux',
      'snap',
      'from-speech',
      'reviewed',
      'enforce',
    ].filter((k) => o[k] !== undefined);
    if (actions.length !== 1)
      throw new UsageError(
        'give exactly one of --list, --import, --import-stream, --export, --shift, --check, --enforce, --snap, --from-speech, --reviewed, --undo, --redo, --burn, --mux',
      );
    const track = trackNumber(o.track, '--track');
    const core = await ctx.openCore(o.burn || o.mux ? { runJobs: true, ownJobsOnly: true } : {});
    const video = (await core.call('videos.resolve', { video: args[0]! })).videoId;
    const lang = opt(o.lang);
    const meta = { ...(lang ? { language: lang } : {}), ...(opt(o.title) ? { title: opt(o.title)! } : {}) };

    if (o.list) {
      const r = await core.call('subtitles.list', { video });
      out.result(r, () => {
        const stored = r.tracks.length
          ? table(
              ['track', 'language', 'title', 'kind', 'source', 'cues', 'reviewed'],
              r.tracks.map((t) => [
                String(t.id),
                t.language ?? '—',
                t.title ?? '—',
                t.kind,
                t.origin ? `${t.source}: ${t.origin}` : t.source,
                String(t.cueCount),
                t.reviewed ? 'yes' : 'no',
              ]),
            )
          : 'no stored subtitle tracks';
        const embedded = r.embedded.length
          ? table(
              ['stream', 'codec', 'language', 'title', 'import'],
              r.embedded.map((e) => [
                String(e.index),
                e.codec ?? '?',
                e.language ?? '—',
                e.title ?? '—',
                e.importable ? `--import-stream ${e.index}` : `no: ${e.reason}`,
              ]),
            )
          : 'no subtitle streams inside the file';
        return `Stored tracks:\n${stored}\n\nIn the file:\n${embedded}`;
      });
      return EXIT_OK;
    }
    if (o.import !== undefined || o['import-stream'] !== undefined) {
      const file = opt(o.import);
      const r = file
        ? await core.call('subtitles.import', { video, path: path.resolve(file), ...meta })
        : await core.call('subtitles.importStream', { video, stream: Number(trackNumber(o['import-stream'], '--import-stream')), ...meta });
      out.result(r, () => {
        const head = `imported track ${r.track.id}: ${r.track.cueCount} cues (${r.format}, ${r.encoding})`;
        return r.issues.length ? `${head}\nrepaired:\n${describeIssues(r.issues)}` : head;
      });
      return EXIT_OK;
    }
    if (o.export !== undefined) {
      const file = path.resolve(opt(o.export)!);
      const ext = path.extname(file).toLowerCase().slice(1);
      if (ext !== 'srt' && ext !== 'vtt' && ext !== 'ass') throw new UsageError(`--export: ${file} must end in .srt, .vtt or .ass`);
      const r = await core.call('subtitles.export', { video, format: ext, ...(track ? { track } : {}) });
      await writeAtomically(file, (tmp) => writeFile(tmp, r.text, 'utf8'));
      out.result({ trackId: r.trackId, format: r.format, file }, () => `wrote track ${r.trackId} to ${file}`);
      return EXIT_OK;
    }
    if (o.shift !== undefined) {
      const r = await core.call('subtitles.shift', { video, offsetMs: parseOffset(opt(o.shift)!), ...(track ? { track } : {}) });
      out.result(r, () => `shifted ${r.entry?.after.length ?? 0} cues (undo with --undo)`);
      return EXIT_OK;
    }
    if (o.check) {
      const r = await core.call('subtitles.check', { video, ...(track ? { track } : {}) });
      out.result(r, () =>
        r.warnings.length
          ? table(
              ['cue', 'warning', ''],
              r.warnings.map((w) => [String(w.index + 1), w.kind, w.message]),
            )
          : 'no warnings',
      );
      return EXIT_OK;
    }
    if (o.snap || o['from-speech']) {
      const speech = await readSpeech(opt(o.speech));
      const given = speech ? { speech } : {};
      const r = o.snap
        ? await core.call('subtitles.snap', {
            video,
            ...given,
            ...(track ? { track } : {}),
            ...(o.tolerance ? { toleranceMs: Number(opt(o.tolerance)) } : {}),
          })
        : await core.call('subtitles.fromSpeech', { video, ...given, ...(track ? { track } : {}) });
      out.result(r, () => `${o.snap ? 'snapped' : 'added'} ${r.entry?.after.length ?? 0} cues (undo with --undo)`);
      return EXIT_OK;
    }
    if (o.enforce) {
      const r = await core.call('subtitles.enforce', { video, ...(track ? { track } : {}) });
      out.result(r, () => `retimed ${r.entry?.after.length ?? 0} cues for reading speed and gaps (undo with --undo)`);
      return EXIT_OK;
    }
    if (o.reviewed) {
      const t = track ?? (await core.call('subtitles.list', { video })).tracks[0]?.id;
      if (!t) throw new UsageError('--reviewed: the video has no subtitle track');
      const r = await core.call('subtitles.updateTrack', { video, track: t, reviewed: true });
      out.result(r, () => `track ${t} is marked reviewed`);
      return EXIT_OK;
    }
    if (o.undo || o.redo) {
      const r = await core.call(o.undo ? 'subtitles.undo' : 'subtitles.redo', { video });
      out.result(r, () => `${o.undo ? 'undid' : 'redid'} ${r.entry?.undoOf ?? r.entry?.redoOf ?? ''}`);
      return EXIT_OK;
    }
    const output = opt(o.output);
    if (!output) throw new UsageError(`--${o.burn ? 'burn' : 'mux'} needs -o <output>`);
    if (o.burn) {
      const style = opt(o.style) ?? 'default';
      if (!['default', 'box', 'large', 'top'].includes(style))
        throw new UsageError(`--style: "${style}" is not one of default, box, large, top`);
      const { job } = await core.call('subtitles.burn', {
        video,
        output: path.resolve(output),
        style: style as 'default',
        ...(track ? { track } : {}),
      });
      return waitJob(core, ctx, job.id, `burn in → ${path.basename(output)}`);
    }
    const list = opt(o.tracks)
      ?.split(',')
      .map((t) => trackNumber(t.trim(), '--tracks')!);
    const into = trackNumber(o['into-export'], '--into-export');
    const { job } = await core.call('subtitles.mux', {
      video,
      output: path.resolve(output),
      ...(list ? { tracks: list } : {}),
      ...(into ? { anonymizedExport: into } : {}),
    });
    return waitJob(core, ctx, job.id, `mux → ${path.basename(output)}`);
  },
};
