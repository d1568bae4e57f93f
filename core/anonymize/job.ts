import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { diskFullError, nowIso } from '../db/open.js';
import { countFrames } from '../ffmpeg/ops.js';
import { defineJobKind } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { bestFrameCount, getVideoSummary, type VideoRow } from '../library/videos.js';
import { slot, type Services } from '../services.js';
import { FramewiseError, serializeError } from '../util/errors.js';
import { checkClinicalGate, type GateResult } from './gate.js';
import { computePlan } from './plan.js';
import { checkOutputTarget, renderAnonymized } from './render.js';
import { recordRefusedExport, startExportRecord, type ExportRecordStart } from './export-record.js';
import { loadSources, sourceOverridesSchema, type AnonymizeSources } from './sources.js';
import { createFrameReader, type FrameTextReader } from './frame-reader.js';
import { scanSourceForText } from './source-scan.js';
import { extendChosen, masksFromSightings } from './timed-masks.js';
import { addTimedMasks, getTextScan, recordTextScan, regionKey } from '../timed-masks/store.js';
import { previewWarningSchema, refreshPreviewsOrWarn, type PreviewWarning } from '../ocr/index.js';
import { verificationSampling, outputToSourceFrame } from './verify.js';
import { patientTokens } from './tokens.js';
import {
  anonymizeOptionsSchema,
  timedMaskSchema,
  upgradeStoredPlan,
  type AnonymizationPlan,
  type AnonymizeOptions,
  type Rect,
  type TimedMask,
} from './types.js';
import type { VerificationResult } from './verify.js';
import { speechToMute } from './speech-mute.js';
import { auditedCommand } from './audit-command.js';
import { anonymizeOutputSchema, resolveOutputPath } from './output-path.js';
import { reapAbandonedExports } from './reap-exports.js';

export const anonymizeJobInputSchema = z
  .object({
    videoId: z.number().int().positive(),
    output: anonymizeOutputSchema,
    options: anonymizeOptionsSchema.optional(),
    who: z.string().min(1).max(200).optional(),
    overrides: sourceOverridesSchema.optional(),
    /** Time-ranged masks to use instead of the library's (no text scan is run then). */
    timedMasks: z.array(timedMaskSchema).max(100000).optional(),
    /** Longest gap between text samples in seconds (default 0.5; at least 24 frames are always read). */
    verifyInterval: z.number().min(0.01).max(0.5).optional(),
    /** Test hook, honoured only with FRAMEWISE_TEST_HOOKS=1: render without masks. */
    unsafeDisableMasks: z.boolean().optional(),
  })
  .strict();
export type AnonymizeJobInput = z.infer<typeof anonymizeJobInputSchema>;

const verificationSchema = z.custom<VerificationResult>((v) => typeof v === 'object' && v !== null && 'ok' in v);
// Job outputs stored before frame ranges were named startFrame/endFrame are read in today's shape.
const planSchema = z.preprocess(
  upgradeStoredPlan,
  z.custom<AnonymizationPlan>((v) => typeof v === 'object' && v !== null && 'version' in v),
) as unknown as z.ZodType<AnonymizationPlan, AnonymizationPlan>;

export const anonymizeJobOutputSchema = z.object({
  exportId: z.number().int(),
  outputPath: z.string(),
  sha256: z.string(),
  size: z.number().int(),
  plan: planSchema,
  verification: verificationSchema,
  renderSeconds: z.number(),
  /** The render's ffmpeg command line as the export audit keeps it (patient values withheld). */
  command: z.array(z.string()),
  /** What went wrong besides the export (previews that could not be made again and were withdrawn); no patient data. */
  warnings: z.array(z.string()).optional(),
  /** The same as codes and kinds, for translated text (absent in outputs stored before it existed). */
  previewWarnings: z.array(previewWarningSchema).optional(),
});
export type AnonymizeJobOutput = z.infer<typeof anonymizeJobOutputSchema>;

/** How the text scan and verification read frames (per library; replace with `services.provide(frameReaderSlot, …)`). */
export const frameReaderSlot = slot<() => Promise<FrameTextReader>>('anonymize.frameReader', () => () => createFrameReader());

export interface Prepared {
  video: VideoRow;
  sources: AnonymizeSources;
  options: AnonymizeOptions;
  plan: AnonymizationPlan;
  gate: GateResult;
}

/** Exact frame count of the video stream (packet count, no decode) unless the library already knows it. */
async function exactFrameCount(services: Services, video: VideoRow, signal?: AbortSignal): Promise<number> {
  if (video.frame_count !== null && video.frame_count > 0) return video.frame_count;
  const { frames } = await countFrames(services.ffmpeg, video.path, signal ? { signal } : {});
  return frames || bestFrameCount({ ...video, frame_count: null }, { num: video.fps_num ?? 25, den: video.fps_den ?? 1 });
}

/** Everything up to the plan: sources, options, gate. Shared by the plan preview and the job. */
export async function prepareAnonymization(
  services: Services,
  input: {
    videoId: number;
    options?: z.input<typeof anonymizeOptionsSchema>;
    overrides?: z.input<typeof sourceOverridesSchema>;
    timedMasks?: z.input<typeof timedMaskSchema>[];
  },
  opts: { signal?: AbortSignal; exactFrames?: boolean; detectSpeech?: boolean } = {},
): Promise<Prepared> {
  const video = await requireProbedVideo(services, input.videoId);
  const settings = await services.settings();
  const options = anonymizeOptionsSchema.parse(input.options ?? {});
  const sources = await loadSources(
    services,
    video,
    sourceOverridesSchema.parse(input.overrides ?? {}),
    input.timedMasks ? z.array(timedMaskSchema).parse(input.timedMasks) : undefined,
  );
  const gate = checkClinicalGate(settings, sources, options);
  const frameCount = opts.exactFrames
    ? await exactFrameCount(services, video, opts.signal)
    : bestFrameCount(video, { num: video.fps_num ?? 25, den: video.fps_den ?? 1 });
  const patient = sources.patient;
  const speech =
    options.muteSpeech && opts.detectSpeech && video.audio_streams > 0
      ? await speechToMute(services.ffmpeg, video.path, video.duration, opts.signal ? { signal: opts.signal } : {})
      : undefined;
  const plan = computePlan({
    ...(speech ? { speech } : {}),
    video: {
      // Display orientation: the region and text boxes are in display pixels; frames are rotated upright.
      width: video.display_width,
      height: video.display_height,
      fps: { num: video.fps_num ?? 25, den: video.fps_den ?? 1 },
      duration: video.duration,
      frameCount,
      audioStreams: video.audio_streams,
    },
    region: sources.region,
    textBoxes: sources.textBoxes,
    timedMasks: sources.timedMasks,
    segments: sources.segments,
    patient: { known: !!patient && patientTokens(patient).length > 0, verified: patient?.verified ?? false },
    options,
  });
  return { video, sources, options, plan, gate };
}

/**
 * Fail closed: refuse when nothing in the image would be anonymized AND nothing could be checked — no
 * endoscope region, no text box, no patient field. Such an export would be "verified" yet unprotected.
 */
export function assertSomethingToAnonymize(p: Pick<Prepared, 'plan' | 'sources'>): void {
  const known = !!p.sources.patient && patientTokens(p.sources.patient).length > 0;
  if (!p.plan.masks.region && p.plan.masks.boxes.length === 0 && !known) {
    throw new FramewiseError(
      'precondition',
      'Nothing is known to anonymize in this video: no endoscope region, no text boxes and no patient fields. Run OCR on it (or give them) first.',
    );
  }
}

function gateError(gate: GateResult): FramewiseError {
  return new FramewiseError('precondition', `The clinical gate refuses to start the anonymization: ${gate.missing.join(' ')}`, {
    missing: gate.missing,
  });
}

/**
 * After a rejection for patient text inside the kept image only: masks for where it was seen (source frames,
 * one sample interval around each sighting), and for any other readable text seen in the picture (a second
 * patient's name must not stay either). Any other finding (text in a mask, tags, streams, duration)
 * means no second attempt.
 */
export function retryMasks(plan: AnonymizationPlan, err: unknown): TimedMask[] {
  if (!(err instanceof FramewiseError) || err.code !== 'verification_failed') return [];
  const v = (err.details as { verification?: VerificationResult } | undefined)?.verification;
  if (!v || v.findings.some((f) => f.check !== 'patient_text')) return [];
  const crop = plan.crop ?? { x: 0, y: 0 };
  const toSource = (t: { frame: number; box: Rect }) => ({
    frame: outputToSourceFrame(plan, t.frame),
    box: { ...t.box, x: t.box.x + crop.x, y: t.box.y + crop.y },
  });
  const step = verificationSampling(plan).step;
  const all = v.textSeen.filter((t) => t.kind !== 'masked').map(toSource);
  const chosen = [
    ...v.findings.filter((f): f is typeof f & { frame: number; box: Rect } => f.frame !== undefined && f.box !== undefined).map(toSource),
    ...v.textSeen.filter((t) => t.kind === 'patient' || t.readable).map(toSource),
  ];
  const sightings = extendChosen(all, chosen, step);
  return masksFromSightings(sightings, {
    step,
    frameCount: plan.input.frameCount,
    width: plan.input.width,
    height: plan.input.height,
    source: 'verify',
  });
}

export const anonymizeJob = defineJobKind({
  kind: 'anonymize',
  title: 'Anonymize',
  input: anonymizeJobInputSchema,
  output: anonymizeJobOutputSchema,
  maxAttempts: 1,
  videoId: (i) => i.videoId,
  async precondition(services, input) {
    if (input.unsafeDisableMasks && process.env.FRAMEWISE_TEST_HOOKS !== '1') {
      throw new FramewiseError('usage', 'unsafeDisableMasks is a test hook and is refused outside tests');
    }
    const prepared = await prepareAnonymization(services, input);
    if (!prepared.gate.ok) throw gateError(prepared.gate);
    assertSomethingToAnonymize(prepared);
  },
  async run(ctx, input) {
    const { services, signal } = ctx;
    ctx.progress(0, 'planning');
    let prepared = await prepareAnonymization(services, input, { signal, exactFrames: true, detectSpeech: true });
    if (!prepared.gate.ok) throw gateError(prepared.gate);
    assertSomethingToAnonymize(prepared);
    const settings = await services.settings();
    const who = input.who ?? settings.reviewerName;
    const outputPath = resolveOutputPath(input.output, prepared.video, prepared);
    await reapAbandonedExports(services);
    const exportRecord = (tempPath: string | null): ExportRecordStart => ({
      videoId: prepared.video.id,
      videoSha256: prepared.video.sha256,
      jobId: ctx.jobId,
      who,
      outputPath,
      tempPath,
      options: prepared.options,
      plan: prepared.plan,
    });
    // Fail fast, before the text scan (minutes on a long video): an output that cannot be written (a full disk, a
    // read-only folder, an existing file) is refused now, and the audit records the refusal.
    const refused = await checkOutputTarget(prepared.video.path, outputPath).then(
      () => null,
      (err: unknown) => err,
    );
    if (refused) {
      await recordRefusedExport(services.db.writer, exportRecord(null), refused).catch(() => undefined);
      throw refused;
    }
    let reader: FrameTextReader | null = null;
    // Previews that could not be made again with the masks the job added: withdrawn by the refresh (fail closed),
    // while the export goes on — its output is rendered and verified with the masks, whatever the previews are.
    const previewWarnings: PreviewWarning[] = [];
    const refreshPreviewsOf = async (videoId: number) => {
      const w = await refreshPreviewsOrWarn(services, videoId);
      if (w) previewWarnings.push(w);
    };
    // Text inside the kept image that appears mid-video: scan once per video (and region), mask per range.
    const scanShare = input.timedMasks ? 0 : 0.35;
    if (!input.timedMasks) {
      const known = await getTextScan(services.db.reader, prepared.video.id);
      if (!known || known.regionJson !== regionKey(prepared.plan.masks.region)) {
        ctx.progress(0, 'scanning text');
        reader = await services.use(frameReaderSlot)();
        const scan = await scanSourceForText({
          ffmpeg: services.ffmpeg,
          file: prepared.video.path,
          plan: { ...prepared.plan, masks: { ...prepared.plan.masks, timed: [] } },
          reader,
          tokens: prepared.sources.patient ? patientTokens(prepared.sources.patient) : [],
          signal,
          onProgress: (f) => ctx.progress(scanShare * f, 'scanning text'),
          ...(input.verifyInterval ? { maxInterval: input.verifyInterval } : {}),
        });
        await recordTextScan(
          services.db.writer,
          prepared.video.id,
          {
            regionJson: regionKey(prepared.plan.masks.region),
            step: scan.step,
            samples: scan.stats.samples,
            framesRead: scan.stats.read,
            masks: scan.masks.length,
          },
          scan.masks,
        );
        // Previews must hide what the scan found on their frames too (thumbnail, sprite sheets, clip previews).
        await refreshPreviewsOf(prepared.video.id);
        prepared = await prepareAnonymization(services, input, { signal, exactFrames: true, detectSpeech: true });
      }
    }
    const tempPath = path.join(path.dirname(outputPath), `.framewise-${randomBytes(6).toString('hex')}.partial.mp4`);
    const exportId = await startExportRecord(services.db.writer, exportRecord(tempPath));
    const tokens = prepared.sources.patient ? patientTokens(prepared.sources.patient) : [];
    try {
      reader ??= await services.use(frameReaderSlot)();
      const workDir = await ctx.workDir();
      const attempt = (plan: AnonymizationPlan, from: number, to: number) =>
        renderAnonymized({
          ffmpeg: services.ffmpeg,
          input: prepared.video.path,
          plan,
          outputPath,
          tempPath,
          workDir,
          tokens,
          reader: reader!,
          signal,
          onProgress: (f, stage) => ctx.progress(from + (to - from) * f, stage),
          ...(input.verifyInterval ? { verifyInterval: input.verifyInterval } : {}),
          unsafeDisableMasks: input.unsafeDisableMasks === true && process.env.FRAMEWISE_TEST_HOOKS === '1',
          onRendered: async (command) => {
            await services.db.writer
              .updateTable('anonymize_exports')
              .set({ command_json: JSON.stringify(auditedCommand(command, tokens)) })
              .where('id', '=', exportId)
              .execute();
          },
        });
      let res: Awaited<ReturnType<typeof renderAnonymized>>;
      try {
        res = await attempt(prepared.plan, scanShare, 1);
      } catch (err) {
        // Patient text read inside the kept image: mask it where it was seen, render and verify once more.
        const added = retryMasks(prepared.plan, err);
        if (!added.length || signal.aborted) throw err;
        await addTimedMasks(services.db.writer, prepared.video.id, added);
        await refreshPreviewsOf(prepared.video.id);
        // Given masks (input.timedMasks) stay given: the added ones join them.
        const again = input.timedMasks ? { ...input, timedMasks: [...prepared.plan.masks.timed, ...added] } : input;
        prepared = await prepareAnonymization(services, again, { signal, exactFrames: true, detectSpeech: true });
        await services.db.writer
          .updateTable('anonymize_exports')
          .set({ plan_json: JSON.stringify(prepared.plan) })
          .where('id', '=', exportId)
          .execute();
        res = await attempt(prepared.plan, scanShare, 1);
      }
      return {
        exportId,
        outputPath: res.outputPath,
        sha256: res.sha256,
        size: res.size,
        plan: prepared.plan,
        verification: res.verification,
        renderSeconds: res.renderSeconds,
        command: auditedCommand(res.command, tokens),
        ...(previewWarnings.length ? { warnings: previewWarnings.map((w) => w.message), previewWarnings } : {}),
      };
    } catch (thrown) {
      const err = diskFullError(services.dataDir, thrown, { databaseOnly: true }) ?? thrown;
      const e = serializeError(signal.aborted ? new FramewiseError('cancelled', 'Cancelled') : err);
      const verification = (e.details as { verification?: VerificationResult } | undefined)?.verification ?? null;
      const state = e.code === 'cancelled' ? 'cancelled' : e.code === 'verification_failed' ? 'rejected' : 'failed';
      await services.db.writer
        .updateTable('anonymize_exports')
        .set({
          state,
          error_json: JSON.stringify({ code: e.code, message: e.message }),
          verification_json: verification ? JSON.stringify(verification) : null,
          temp_path: null,
          finished_at: nowIso(),
        })
        .where('id', '=', exportId)
        .execute()
        .catch(() => undefined);
      throw err;
    } finally {
      await reader?.close().catch(() => undefined);
    }
  },
  async commit(trx, input, output) {
    await trx
      .updateTable('anonymize_exports')
      .set({
        state: 'verified',
        output_path: output.outputPath,
        output_sha256: output.sha256,
        output_size: output.size,
        temp_path: null,
        verification_json: JSON.stringify(output.verification),
        finished_at: nowIso(),
      })
      .where('id', '=', output.exportId)
      .execute();
    await trx.updateTable('videos').set({ state: 'anonymized', updated_at: nowIso() }).where('id', '=', input.videoId).execute();
  },
  async commitFailed(services, _input, output, err) {
    // Verified and published, but the library cannot record it (e.g. its disk is full): no file may exist that
    // the audit does not show as verified. publish() made sure nothing was at this path before.
    await rm(output.outputPath, { force: true });
    const e = diskFullError(services.dataDir, err, { databaseOnly: true }) ?? err;
    await services.db.writer
      .updateTable('anonymize_exports')
      .set({
        state: 'failed',
        temp_path: null,
        error_json: JSON.stringify({
          code: serializeError(e).code,
          message: `The verified output could not be recorded in the library, so it was deleted: ${serializeError(e).message}`,
        }),
        finished_at: nowIso(),
      })
      .where('id', '=', output.exportId)
      .execute()
      .catch(() => undefined);
  },
  async afterCommit(services, input) {
    services.events.emit({ type: 'video.changed', video: await getVideoSummary(services.db.reader, input.videoId) });
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'anonymize' });
  },
});
