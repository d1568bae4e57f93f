import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../../cli/command.js';
import { EXIT_OK, UsageError } from '../../cli/command.js';
import { table } from '../../cli/output.js';
import type { ReviewChange, SegmentHistoryEntry } from '../../review/types.js';
import type { CoreHandle as Core } from '../../handle.js';
import { segmentJson, segmentsTable } from '../../predict/cli/predict.js';

/**
 * A time on the command line: frames with an `f` suffix (`300f`, exact), else seconds (`12.5`, `1:02.5`,
 * `1:00:02`), snapped to the nearest frame of the video's exact frame rate.
 */
export function parseTime(text: string, fps: { num: number; den: number }, what: string): number {
  const t = text.trim();
  if (/^\d+f$/.test(t)) return Number(t.slice(0, -1));
  if (!/^(\d+:){0,2}\d+(\.\d+)?$/.test(t))
    throw new UsageError(`${what}: "${text}" is not a time (seconds like 12.5 or 1:02.5, or frames like 300f)`);
  const seconds = t.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  return Math.round((seconds * fps.num) / fps.den);
}

/** `start-end` where either side may be empty when `partial` (keep that bound). */
function parseRange(text: string, fps: { num: number; den: number }, what: string, partial = false) {
  const m = /^([^-]*)-([^-]*)$/.exec(text);
  if (!m) throw new UsageError(`${what}: expected start-end, got "${text}"`);
  const [, a, b] = m;
  if (!partial && (!a || !b)) throw new UsageError(`${what}: expected start-end, got "${text}"`);
  return {
    startFrame: a ? parseTime(a, fps, what) : undefined,
    endFrame: b ? parseTime(b, fps, what) : undefined,
  };
}

function splitOnce(text: string, what: string, shape: string): [string, string] {
  const i = text.indexOf(':');
  if (i <= 0) throw new UsageError(`${what}: expected ${shape}, got "${text}"`);
  return [text.slice(0, i), text.slice(i + 1)];
}

function segmentId(text: string, what: string): number {
  if (!/^\d+$/.test(text))
    throw new UsageError(`${what}: "${text}" is not a segment id (see the id column of \`framewise segments <video>\`)`);
  return Number(text);
}

function formatFormat(file: string): 'json' | 'csv' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.csv') return 'csv';
  throw new UsageError(`${file}: export/import files end in .json or .csv`);
}

function describe(e: SegmentHistoryEntry): string {
  const fmt = (xs: SegmentHistoryEntry['before']) =>
    xs.map((s) => `${s.label} ${s.startFrame}–${s.endFrame}${s.validated ? ' ✓' : ''} (#${s.id})`).join(', ') || '—';
  return `${e.op}${e.undoOf ? ` of #${e.undoOf}` : ''}${e.redoOf ? ` of #${e.redoOf}` : ''}: ${fmt(e.before)} → ${fmt(e.after)}`;
}

export function historyTable(entries: SegmentHistoryEntry[]): string {
  return table(
    ['#', 'when', 'who', 'change'],
    entries.map((e) => [String(e.id), e.at, e.who, describe(e)]),
  );
}

export const segmentsCommand: CliCommand = {
  name: 'segments',
  summary: 'List and edit the segments of a video (predicted and reviewer-made), with history and undo',
  usage:
    'segments <video> [--label <label>]… [--model <name>] [--validated]\n' +
    '       framewise segments <video> --add label:start-end | --remove <id> | --set id:start-end | --relabel id:label\n' +
    '       framewise segments <video> --validate <id>|all [--label L] [--unvalidate] | --undo | --redo | --history\n' +
    '       framewise segments <video> --export file.json|file.csv | --import file.json|file.csv',
  help:
    '  --label <label>        only this label (repeatable); with --validate all: only this lane\n' +
    "  --model <name>         only this model's predictions (reviewer segments are still shown)\n" +
    '  --validated            only segments a reviewer validated\n' +
    '  --add label:start-end  add a reviewer segment (repeatable)\n' +
    '  --remove <id>          delete a segment (repeatable; a predicted one stays in the history)\n' +
    '  --set id:start-end     move/resize a segment; leave a side empty to keep it (id:-30 sets only the end)\n' +
    '  --relabel id:label     change the label of a segment\n' +
    '  --split id:time        split a segment at a time\n' +
    '  --merge id,id[,…]      merge segments of one label\n' +
    '  --validate <id>|all    mark validated (repeatable ids; "all" = every segment, or the --label lane)\n' +
    '  --unvalidate           with --validate: clear the mark instead\n' +
    '  --undo, --redo         undo / redo the latest change of the video (across sessions)\n' +
    '  --history              the audit trail: who changed what, when, before and after\n' +
    '  --export <file>        write the active segments as .json or .csv\n' +
    '  --import <file>        add segments from a .json or .csv export (duplicates skipped)\n' +
    'Times: seconds (12.5, 1:02.5) snapped to the nearest frame, or frames (300f). Segments are half-open:\n' +
    '[start, end) seconds and [startFrame, endFrame) frames. Edits are recorded under the reviewerName setting.\n' +
    'An edit naming a segment id that was changed since is refused (exit 1, code "conflict").',
  options: {
    label: { type: 'string', multiple: true },
    model: { type: 'string' },
    validated: { type: 'boolean' },
    add: { type: 'string', multiple: true },
    remove: { type: 'string', multiple: true },
    set: { type: 'string', multiple: true },
    relabel: { type: 'string', multiple: true },
    split: { type: 'string', multiple: true },
    merge: { type: 'string', multiple: true },
    validate: { type: 'string', multiple: true },
    unvalidate: { type: 'boolean' },
    undo: { type: 'boolean' },
    redo: { type: 'boolean' },
    history: { type: 'boolean' },
    export: { type: 'string' },
    import: { type: 'string' },
  },
  async run({ args, options, out, openCore }) {
    if (args.length !== 1) throw new UsageError('segments takes exactly one video');
    const video = args[0]!;
    const list = (k: string) => (options[k] as string[] | undefined) ?? [];
    const labels = list('label');
    const editing =
      ['add', 'remove', 'set', 'relabel', 'split', 'merge', 'validate'].some((k) => list(k).length) || options.undo || options.redo;
    if (options.unvalidate && !list('validate').length) throw new UsageError('--unvalidate goes with --validate <id>|all');
    const core = await openCore();

    if (options.history) {
      const entries = await core.call('segments.history', { video });
      out.result(entries, () => (entries.length ? historyTable(entries) : 'No changes yet.'));
      return EXIT_OK;
    }
    if (options.export) {
      const file = path.resolve(String(options.export));
      const res = await core.call('segments.export', { video, format: formatFormat(file) });
      const tmp = `${file}.tmp-${process.pid}`;
      await writeFile(tmp, res.text);
      await rename(tmp, file);
      out.result({ file, count: res.count }, () => `Wrote ${res.count} segment${res.count === 1 ? '' : 's'} to ${file}`);
      return EXIT_OK;
    }
    if (options.import) {
      const file = path.resolve(String(options.import));
      const text = await readFile(file, 'utf8');
      const res = await core.call('segments.import', { video, format: formatFormat(file), text });
      out.result(
        { file, added: res.added, skipped: res.skipped, entryId: res.entry?.id ?? null, progress: res.progress },
        () =>
          `Imported ${res.added} segment${res.added === 1 ? '' : 's'} from ${file}${res.skipped ? ` (${res.skipped} already present)` : ''}`,
      );
      return EXIT_OK;
    }
    if (editing) {
      const changes = await applyEdits(core, video, options, labels);
      const segs = await core.call('segments.list', { video });
      const last = changes[changes.length - 1];
      out.result(
        { changes: changes.map((c) => c.entry).filter(Boolean), progress: last?.progress ?? null, segments: segs.map(segmentJson) },
        () =>
          changes
            .map((c) => (c.entry ? `✓ ${describe(c.entry)}` : '(nothing to change)'))
            .concat(last ? [`Reviewed ${last.progress.validated}/${last.progress.total}`] : [], segs.length ? [segmentsTable(segs)] : [])
            .join('\n'),
      );
      return EXIT_OK;
    }
    const segs = await core.call('segments.list', {
      video,
      ...(labels.length ? { labels } : {}),
      ...(options.model ? { model: String(options.model) } : {}),
      ...(options.validated ? { validatedOnly: true } : {}),
    });
    out.result(segs.map(segmentJson), () => (segs.length ? segmentsTable(segs) : 'No segments. Run: framewise predict <video>'));
    return EXIT_OK;
  },
};

async function applyEdits(core: Core, video: string, options: Record<string, unknown>, labels: string[]): Promise<ReviewChange[]> {
  const list = (k: string) => (options[k] as string[] | undefined) ?? [];
  const detail = await core.call('videos.get', { video });
  const fps = detail.fps ?? { num: 25, den: 1 };
  const changes: ReviewChange[] = [];
  for (const a of list('add')) {
    const [label, range] = splitOnce(a, '--add', 'label:start-end');
    const r = parseRange(range, fps, '--add');
    changes.push(await core.call('segments.add', { video, label, startFrame: r.startFrame!, endFrame: r.endFrame! }));
  }
  for (const s of list('set')) {
    const [idText, range] = splitOnce(s, '--set', 'id:start-end');
    const r = parseRange(range, fps, '--set', true);
    changes.push(
      await core.call('segments.update', {
        video,
        id: segmentId(idText, '--set'),
        ...(r.startFrame !== undefined ? { startFrame: r.startFrame } : {}),
        ...(r.endFrame !== undefined ? { endFrame: r.endFrame } : {}),
      }),
    );
  }
  for (const s of list('relabel')) {
    const [idText, label] = splitOnce(s, '--relabel', 'id:label');
    changes.push(await core.call('segments.update', { video, id: segmentId(idText, '--relabel'), label }));
  }
  for (const s of list('split')) {
    const [idText, at] = splitOnce(s, '--split', 'id:time');
    changes.push(await core.call('segments.split', { video, id: segmentId(idText, '--split'), frame: parseTime(at, fps, '--split') }));
  }
  for (const m of list('merge')) {
    changes.push(await core.call('segments.merge', { video, ids: m.split(',').map((x) => segmentId(x.trim(), '--merge')) }));
  }
  const removes = list('remove').map((x) => segmentId(x, '--remove'));
  if (removes.length) changes.push(await core.call('segments.delete', { video, ids: removes }));
  const validate = list('validate');
  const validated = !options.unvalidate;
  if (validate.includes('all')) {
    if (labels.length > 1) throw new UsageError('--validate all takes at most one --label');
    changes.push(await core.call('segments.validateAll', { video, validated, ...(labels[0] ? { label: labels[0] } : {}) }));
  } else if (validate.length) {
    changes.push(await core.call('segments.validate', { video, validated, ids: validate.map((x) => segmentId(x, '--validate')) }));
  }
  if (options.undo) changes.push(await core.call('segments.undo', { video }));
  if (options.redo) changes.push(await core.call('segments.redo', { video }));
  return changes;
}
