import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { CliCommand } from '../../cli/command.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../../cli/command.js';
import { table } from '../../cli/output.js';
import { waitForJobs } from '../../cli/wait.js';
import type { CoreHandle as Core } from '../../handle.js';
import type { PatientData } from '../commands.js';
import type { OcrJobOutput } from '../ocr-job.js';
import { PATIENT_FIELDS, type PatientField } from '../../patient/fields.js';
import { FramewiseError } from '../../util/errors.js';

/** A library video by id or path; a file not yet in the library is imported first. */
async function videoFor(core: Core, ref: string, out: { info(t: string): void }): Promise<number> {
  try {
    return (await core.call('videos.resolve', { video: ref })).videoId;
  } catch (err) {
    if (!(err instanceof FramewiseError && err.code === 'not_found') || !existsSync(ref)) throw err;
  }
  out.info(`importing ${path.basename(ref)}…`);
  const res = await core.call('videos.import', { paths: [ref] });
  const job = await core.services.jobs.waitFor(res.jobs[0]!.jobId);
  if (job.state !== 'succeeded') throw new FramewiseError(job.error?.code ?? 'internal', job.error?.message ?? `import ${job.state}`);
  return (job.output as { videoId: number }).videoId;
}

function fieldsTable(data: PatientData): string {
  if (!data.fields.length) return 'No patient fields.';
  return table(
    ['field', 'value', 'confidence', 'frame', 'box', 'source', 'verified'],
    data.fields.map((f) => [
      f.field,
      f.value,
      f.confidence === null ? '' : f.confidence.toFixed(2),
      f.frame === null ? '' : String(f.frame),
      f.box ? `${f.box.x},${f.box.y} ${f.box.width}x${f.box.height}` : '',
      f.source,
      f.verified ? 'yes' : '',
    ]),
  );
}

export const ocrCommand: CliCommand = {
  name: 'ocr',
  summary: 'Read the burned-in overlay of a video: patient fields, text boxes, endoscope region',
  usage: 'ocr <video> [--profile <name>] [--samples <n>]',
  help: "  --profile  read fields from this device profile's regions (default: the best-matching profile, if any)\n  --samples  frames sampled over the video (default: the ocrSamples setting)",
  options: { profile: { type: 'string' }, samples: { type: 'string' } },
  async run({ args, options, out, openCore }) {
    if (args.length !== 1) throw new UsageError('ocr needs exactly one video');
    const samples = options.samples !== undefined ? Number(options.samples) : undefined;
    if (samples !== undefined && !(Number.isInteger(samples) && samples > 0)) throw new UsageError('--samples must be a positive integer');
    const core = await openCore({ runJobs: true, ownJobsOnly: true });
    const videoId = await videoFor(core, args[0]!, out);
    const { job } = await core.call('ocr.start', {
      video: videoId,
      ...(options.profile ? { profile: String(options.profile) } : {}),
      ...(samples ? { samples } : {}),
    });
    const [done] = await waitForJobs(core, out, [job.id], () => `ocr video ${videoId}`);
    if (done?.state !== 'succeeded') {
      out.error(done?.error?.message ?? `ocr ${done?.state}`);
      return EXIT_FAILURE;
    }
    // Previews that could not be made again with what OCR found were withdrawn: say so (codes and kinds only).
    const previewWarnings = (done.output as OcrJobOutput | null)?.previewWarnings ?? [];
    for (const w of previewWarnings) out.info(`warning: ${w.message}`);
    const data = await core.call('patient.get', { video: videoId });
    const ocr = await core.call('ocr.result', { video: videoId, includeText: true });
    const result = {
      videoId,
      profile: ocr?.profile ?? null,
      fields: Object.fromEntries(
        data.fields.map((f) => [
          f.field,
          { value: f.value, confidence: f.confidence, frame: f.frame, box: f.box, source: f.source, verified: f.verified },
        ]),
      ),
      textBoxes: ocr?.regions ?? [],
      endoscope: data.endoscope,
      sampledFrames: ocr?.sampledFrames ?? [],
      ...(previewWarnings.length ? { previewWarnings } : {}),
    };
    out.result(result, () => {
      const lines = [fieldsTable(data), ''];
      lines.push(`profile: ${result.profile ?? '(none)'}`);
      const e = data.endoscope;
      lines.push(e ? `endoscope region: ${e.x},${e.y} ${e.width}x${e.height} ${e.shape} (${e.source})` : 'endoscope region: (none found)');
      lines.push(
        `text boxes: ${result.textBoxes.length} (${result.textBoxes.filter((b) => b.stable).length} stable) in ${result.sampledFrames.length} frames`,
      );
      for (const b of result.textBoxes)
        lines.push(
          `  ${b.box.x},${b.box.y} ${b.box.width}x${b.box.height}${b.stable ? ' stable' : ''}${b.insideEndoscope ? ' in-image' : ''}  ${b.text ?? ''}`,
        );
      return lines.join('\n');
    });
    return EXIT_OK;
  },
};

export const profilesCommand: CliCommand = {
  name: 'profiles',
  summary: 'Device profiles (overlay layouts): list, add a JSON file, show one',
  usage: 'profiles list | profiles add <file.json> | profiles show <name> | profiles remove <name>',
  async run({ args, out, openCore }) {
    const [sub, arg] = args;
    const core = await openCore();
    if (sub === 'list' || sub === undefined) {
      const list = await core.call('profiles.list', {});
      out.result(list, () =>
        table(
          ['name', 'kind', 'reference', 'fields', 'endoscope'],
          list.map((p) => [
            p.profile.name,
            p.builtin ? 'built-in' : 'user',
            `${p.profile.referenceWidth}x${p.profile.referenceHeight}`,
            Object.keys(p.profile.fields).join(','),
            p.profile.endoscope?.shape ?? '',
          ]),
        ),
      );
      return EXIT_OK;
    }
    if (!arg) throw new UsageError(`profiles ${sub} needs an argument`);
    if (sub === 'add') {
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(arg, 'utf8'));
      } catch (err) {
        throw new FramewiseError('usage', `${arg}: not a readable JSON file (${(err as Error).message})`);
      }
      const p = await core.call('profiles.save', { profile: raw });
      out.result(p, () => `✓ profile "${p.name}" saved`);
      return EXIT_OK;
    }
    if (sub === 'show') {
      const p = await core.call('profiles.get', { name: arg });
      out.result(p, () => JSON.stringify(p.profile, null, 2));
      return EXIT_OK;
    }
    if (sub === 'remove') {
      const r = await core.call('profiles.delete', { name: arg });
      out.result(r, () => `✓ profile "${arg}" removed`);
      return EXIT_OK;
    }
    throw new UsageError(`unknown profiles subcommand "${sub}"`);
  },
};

function isField(s: string): s is PatientField {
  return (PATIENT_FIELDS as readonly string[]).includes(s);
}

export const metaCommand: CliCommand = {
  name: 'meta',
  summary: "Show or correct a video's patient fields (decrypted; every change audited)",
  usage: 'meta <video> [--set field=value]… [--verify field]… [--unverify field]… [--clear field]… [--audit]',
  help: `  fields: ${PATIENT_FIELDS.join(', ')}\n  --audit  print the change history (who, when, old → new)`,
  options: {
    set: { type: 'string', multiple: true },
    verify: { type: 'string', multiple: true },
    unverify: { type: 'string', multiple: true },
    clear: { type: 'string', multiple: true },
    audit: { type: 'boolean' },
  },
  async run({ args, options, out, openCore }) {
    if (args.length !== 1) throw new UsageError('meta needs exactly one video');
    const list = (k: string) => (options[k] as string[] | undefined) ?? [];
    const set: Partial<Record<PatientField, string>> = {};
    for (const s of list('set')) {
      const eq = s.indexOf('=');
      const f = eq > 0 ? s.slice(0, eq) : '';
      if (!isField(f)) throw new UsageError(`--set expects field=value with field one of ${PATIENT_FIELDS.join(', ')}`);
      set[f] = s.slice(eq + 1);
    }
    const fieldsOf = (k: string) =>
      list(k).map((f) => {
        if (!isField(f)) throw new UsageError(`--${k}: unknown field "${f}"`);
        return f;
      });
    const verify = fieldsOf('verify');
    const unverify = fieldsOf('unverify');
    const clear = fieldsOf('clear');
    const core = await openCore();
    const { videoId } = await core.call('videos.resolve', { video: args[0]! });
    const changing = Object.keys(set).length || verify.length || unverify.length || clear.length;
    const data = changing
      ? await core.call('patient.update', {
          video: videoId,
          ...(Object.keys(set).length ? { set } : {}),
          ...(verify.length ? { verify } : {}),
          ...(unverify.length ? { unverify } : {}),
          ...(clear.length ? { clear } : {}),
        })
      : await core.call('patient.get', { video: videoId });
    const audit = options.audit ? await core.call('patient.audit', { video: videoId }) : undefined;
    out.result(audit ? { ...data, audit } : data, () => {
      const lines = [fieldsTable(data)];
      if (data.pseudonym)
        lines.push(
          `patient pseudonym: ${data.pseudonym.slice(0, 16)}…${data.samePatientVideos.length ? ` (also in videos ${data.samePatientVideos.join(', ')})` : ''}`,
        );
      if (audit) {
        lines.push(
          '',
          table(
            ['at', 'who', 'field', 'action', 'old', 'new'],
            audit.map((a) => [a.at, a.who, a.field, a.action, a.oldValue ?? '', a.newValue ?? '']),
          ),
        );
      }
      return lines.join('\n');
    });
    return EXIT_OK;
  },
};
