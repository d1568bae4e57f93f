/**
 * Making a video's previews current after what they must hide changed (OCR results, the endoscope region, the
 * time-ranged masks): the thumbnail made again from the source, stale previews removed, sprite sheets queued —
 * failing closed (a preview that cannot be made current is withdrawn). What they hide: preview-mask.ts.
 */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Services } from '../services.js';
import type { Box } from '../util/box.js';
import { remakeThumbnail, thumbnailTime } from '../library/private-thumbnail.js';
import { FramewiseError } from '../util/errors.js';
import {
  previewFrameWindowAt,
  previewMask,
  previewTag,
  scaledRect,
  timedMasksIn,
  type FrameWindow,
  type PreviewMask,
} from './preview-mask.js';

/**
 * Artifact kinds of previews made on demand (clip keyframes and sprite sheets): they are named after the frames
 * they show and the mask on them (`previewTag`, kept in their meta with the frames), so a preview whose frames
 * now get another mask is removed — the next request makes it again with it.
 */
const ON_DEMAND_PREVIEWS = ['clip-keyframe:%', 'clip-sprite:%', 'clip-sprite-vtt:%'];

/** What an on-demand preview's artifact meta says about its mask (absent: made before masks were recorded). */
export interface PreviewArtifactMask {
  mask?: string;
  frames?: FrameWindow;
}

/** The kinds of preview a failed refresh withdraws: the thumbnail, the hover sprite sheets, the clip previews. */
export const PREVIEW_KINDS = ['thumbnail', 'sprites', 'clips'] as const;
export type PreviewKind = (typeof PREVIEW_KINDS)[number];
const kindNames: Record<PreviewKind, string> = { thumbnail: 'thumbnail', sprites: 'sprite sheets', clips: 'clip previews' };

/**
 * What the user is told when previews could not be made again with the current masks (the result of the command
 * or job that changed them): `code` picks the translated sentence, `withdrawn` says which previews are no longer
 * shown, `message` is the same in English (CLI). Codes and kinds only: no file name, no patient data.
 */
export const previewWarningSchema = z
  .object({
    code: z.literal('preview_failed'),
    message: z.string(),
    withdrawn: z.array(z.enum(PREVIEW_KINDS)),
  })
  .strict();
export type PreviewWarning = z.infer<typeof previewWarningSchema>;

/**
 * A preview could not be made again with the current masks. By the time this is thrown, every such preview has
 * been withdrawn where the library allowed (its row deleted, so it is no longer served, and its file removed
 * where the disk allowed; a sprite sheet or clip preview is made again when next asked for, the thumbnail by the
 * next refresh that can — until then each refresh says again that it is not shown), and the library's log says which kinds and why (codes only). No file name, no patient data.
 */
export class PreviewRefreshError extends FramewiseError {
  constructor(
    readonly videoId: number,
    readonly withdrawn: PreviewKind[],
    readonly reasons: string[],
  ) {
    super(
      'preview_failed',
      `The previews of video ${videoId} could not be made again with the current masks (${reasons.join(', ')})` +
        (withdrawn.length ? `; withdrawn so they are not shown any more: ${withdrawn.map((k) => kindNames[k]).join(', ')}` : ''),
    );
  }
}

/** What to tell the user about a failed refresh (any error: one not thrown by `refreshPreviews` by its code alone). */
export function previewWarningOf(err: unknown): PreviewWarning {
  if (err instanceof PreviewRefreshError) return { code: 'preview_failed', message: err.message, withdrawn: [...err.withdrawn] };
  return {
    code: 'preview_failed',
    message: `The previews could not be made again with the current masks (${reasonOf(err)})`,
    withdrawn: [],
  };
}

/**
 * `refreshPreviews` for a caller whose own work succeeded whatever the previews are (the masks are stored, the
 * export is rendered with them): fail closed all the same (a preview that cannot be made current is withdrawn),
 * and the failure comes back as the warning to show the user — null when every preview is current.
 */
export async function refreshPreviewsOrWarn(services: Services, videoId: number): Promise<PreviewWarning | null> {
  return refreshPreviews(services, videoId).then(
    () => null,
    (err: unknown) => previewWarningOf(err),
  );
}

/** Why something failed, fit for the log and for messages: an error code, never a message (which may name a file). */
function reasonOf(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'string') {
    return (err as { code: string }).code;
  }
  return 'internal';
}

/**
 * After OCR results, the endoscope region or the time-ranged masks changed: make the thumbnail again from the
 * source with the current mask (`remakeThumbnail`), remove previews made on demand whose frames now get another
 * mask and hover sprite sheets made with another mask (their files first, so none is served again), and queue
 * new sprite sheets when the video had some.
 *
 * Fails closed: a preview that cannot be made current is never left showing what a mask now hides. The thumbnail
 * that cannot be made again (nor darkened) is withdrawn — its row deleted (it is served by artifact id, so it is
 * no longer shown) and its file removed where the disk allows; a stale preview whose file cannot be removed loses
 * its row all the same. Then a `PreviewRefreshError` is thrown (after logging what was withdrawn and why, codes
 * only), for the caller to surface where the user acts.
 */
export async function refreshPreviews(services: Services, videoId: number): Promise<void> {
  const reasons: string[] = [];
  const withdrawn: PreviewKind[] = [];
  const failed = (what: string, err: unknown) => reasons.push(`${what}: ${reasonOf(err)}`);
  let mask: PreviewMask | null;
  try {
    mask = await previewMask(services, videoId);
  } catch (err) {
    // What the previews must hide is unknown: none of them may be served until made again (fail closed).
    failed('mask', err);
    if (await withdrawArtifacts(services, videoId, (eb) => eb.or([eb('kind', '=', 'thumbnail'), ...previewKinds(eb)]), failed)) {
      withdrawn.push('thumbnail', 'sprites', 'clips');
    }
    services.log.warn({ videoId, withdrawn, reasons }, 'previews could not be made again with the current masks: withdrawn');
    throw new PreviewRefreshError(videoId, withdrawn, reasons);
  }
  try {
    const timed = mask ? await thumbnailTimedBoxes(services, videoId, mask) : [];
    const how = await remakeThumbnail(
      services,
      videoId,
      mask && { frameWidth: mask.frameWidth, frameHeight: mask.frameHeight, region: mask.region, boxes: [...mask.boxes, ...timed] },
    );
    // A thumbnail withdrawn by an earlier failed refresh is shown again.
    if (how === 'restored') services.events.emit({ type: 'data.changed', videoId, topic: 'previews' });
  } catch (err) {
    failed('thumbnail', err);
    if (await withdrawArtifacts(services, videoId, (eb) => eb('kind', '=', 'thumbnail'), failed)) withdrawn.push('thumbnail');
  }
  try {
    await dropStalePreviews(services, videoId, mask, failed);
  } catch (err) {
    // Which previews are stale could not even be read: withdraw every preview made with a mask (fail closed).
    failed('previews', err);
    const all = await withdrawArtifacts(services, videoId, (eb) => eb.or(previewKinds(eb)), failed);
    if (all) withdrawn.push('sprites', 'clips');
  }
  if (!reasons.length) return;
  services.log.warn({ videoId, withdrawn, reasons }, 'previews could not be made again with the current masks: withdrawn');
  throw new PreviewRefreshError(videoId, withdrawn, reasons);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ArtifactWhere = (eb: any) => any;

/** The artifact kinds of previews other than the thumbnail. */
function previewKinds(eb: Parameters<ArtifactWhere>[0]) {
  return [
    ...ON_DEMAND_PREVIEWS.map((k) => eb('kind', 'like', k)),
    eb('kind', 'in', ['sprite-sheet', 'sprite-index']),
    eb('kind', 'like', 'sprite-sheet:%'),
  ];
}

/**
 * Withdraw previews: their rows go first (nothing serves them any more, even when the disk refuses to delete the
 * file), then their files. True when no row is left; failures are reported through `failed`.
 */
async function withdrawArtifacts(
  services: Services,
  videoId: number,
  where: ArtifactWhere,
  failed: (what: string, err: unknown) => void,
): Promise<boolean> {
  let rows: Array<{ id: number; path: string }> = [];
  let rowsGone = true;
  try {
    rows = await services.db.writer.selectFrom('artifacts').select(['id', 'path']).where('video_id', '=', videoId).where(where).execute();
    if (rows.length) {
      await services.db.writer
        .deleteFrom('artifacts')
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
    }
  } catch (err) {
    failed('withdraw rows', err);
    rowsGone = false;
  }
  // The files go either way: a row left behind then serves nothing.
  for (const r of rows)
    await rm(path.join(services.artifactsDir, r.path), { force: true }).catch((e: unknown) => failed('withdraw file', e));
  if (rowsGone) services.events.emit({ type: 'data.changed', videoId, topic: 'previews' });
  return rowsGone;
}

/**
 * Remove previews made with another mask than `mask` (files first); queue new sprite sheets when there were some.
 * `mask` null (the last time-ranged mask removed, no OCR): previews made with a mask go too, so they are made again
 * from the source without it (as the thumbnail is).
 */
async function dropStalePreviews(
  services: Services,
  videoId: number,
  mask: PreviewMask | null,
  failed: (what: string, err: unknown) => void,
): Promise<void> {
  const db = services.db.writer;
  const stale = await db
    .selectFrom('artifacts')
    .select(['id', 'kind', 'path', 'meta_json'])
    .where('video_id', '=', videoId)
    .where((eb) => eb.or(previewKinds(eb)))
    .execute();
  const index = stale.find((a) => a.kind === 'sprite-index');
  const spritesCurrent =
    !!index && ((JSON.parse(index.meta_json ?? '{}') as { mask?: string | null }).mask ?? null) === (mask?.fingerprint ?? null);
  const current = (a: { kind: string; meta_json: string | null }) => {
    if (a.kind === 'sprite-index' || a.kind.startsWith('sprite-sheet')) return spritesCurrent;
    const meta = JSON.parse(a.meta_json ?? '{}') as PreviewArtifactMask;
    if (!mask)
      return !!meta.frames && (meta.mask === previewTag(null, meta.frames, true) || meta.mask === previewTag(null, meta.frames, false));
    return !!meta.mask && !!meta.frames && meta.mask === previewTag(mask, meta.frames, true);
  };
  const drop = stale.filter((a) => !current(a));
  if (!drop.length) return;
  // A file that cannot be removed (a read-only or failing disk) is reported; its row goes all the same.
  for (const a of drop) await rm(path.join(services.artifactsDir, a.path), { force: true }).catch((e: unknown) => failed('stale file', e));
  await db
    .deleteFrom('artifacts')
    .where(
      'id',
      'in',
      drop.map((a) => a.id),
    )
    .execute();
  if (index && !spritesCurrent) {
    // The old sheets are gone already: a failure to queue new ones (e.g. the source is offline) leaves none — safe;
    // the review asks for them again when it opens. Logged, not an error of the refresh.
    await services.jobs
      .enqueue('sprites', { videoId })
      .catch((e: unknown) => services.log.info({ videoId, code: reasonOf(e) }, 'sprite sheets not queued again'));
    services.events.emit({ type: 'data.changed', videoId, topic: 'sprites' });
  }
  if (drop.some((a) => a.kind.startsWith('clip-'))) services.events.emit({ type: 'data.changed', videoId, topic: 'clips' });
}

/**
 * The time-ranged masks the thumbnail must hide, in the mask's frame size: the thumbnail is the keyframe at or
 * before its time, so every mask on a frame up to that time.
 */
async function thumbnailTimedBoxes(services: Pick<Services, 'db' | 'ffmpeg'>, videoId: number, mask: PreviewMask): Promise<Box[]> {
  const timed = mask.timed;
  if (!timed) return [];
  const video = await services.db.reader.selectFrom('videos').select('duration').where('id', '=', videoId).executeTakeFirst();
  if (!video) return [];
  const window = { start: 0, end: (await previewFrameWindowAt(services, videoId, thumbnailTime(video.duration))).end };
  const sx = mask.frameWidth / timed.frameWidth;
  const sy = mask.frameHeight / timed.frameHeight;
  return timedMasksIn(timed, window).map((m) => scaledRect(m.rect, sx, sy));
}
