import { createHash } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import type { Services } from '../services.js';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { writeRgbJpeg } from '../ffmpeg/frames.js';
import { isDeepStrictEqual } from 'node:util';
import {
  keyframesAndTailArgs,
  readFrameRgb,
  readKeyframesAndTail,
  readKeyframesAndTailAnyHeight,
  readKeyframesRgb,
} from '../ffmpeg/raw-frame.js';
import { FramewiseError } from '../util/errors.js';
import { writeAtomically } from '../util/fs.js';
import { nowIso } from '../db/open.js';
import { artifactRelDir } from './artifact-dir.js';
import { detectEndoscopeRegion, insideMask, type MeasuredEndoscopeRegion } from '../util/endoscope.js';

/**
 * Write the video's thumbnail (320 px wide, display orientation) without ever putting the device overlay on
 * disk. A clinical video's thumbnail must not show the overlay (name, birth date) around the endoscope image.
 * Before OCR has run, the image area is found from a few frames (lit in most of them: the largest component,
 * its shape) and everything outside it is blacked out — a conservative mask — before the JPEG is encoded. A
 * video without such an area (a phone video) keeps its whole picture. The file is owner-only (0600) either way.
 *
 * Speed: the thumbnail frame and the four region frames are the keyframes at or before their times, read in one
 * ffmpeg run (one start-up, one keyframe decode each). Frame-accurate seeks, one per frame and one after
 * another, decoded up to a GOP each and made the import 5× `sha256sum` on the bench's 304 MB file.
 * Returns whether a mask was applied. Throws 'undecodable' when no frame at all can be decoded.
 */
/** The time the thumbnail is taken at (the keyframe at or before it is shown): a tenth in, at most 5 s. */
export function thumbnailTime(duration: number): number {
  return duration > 0 ? Math.min(duration * 0.1, 5) : 0;
}

/** Where, as shares of the duration, the frames for finding the endoscope image are taken (besides the thumbnail's). */
const REGION_SAMPLES = [0.3, 0.5, 0.7, 0.85];

/** The keyframe run's times: the thumbnail's, then the region samples inside the video. */
function keyframeTimes(duration: number, at: number): number[] {
  return [at, ...REGION_SAMPLES.map((share) => duration * share)].filter((t, i) => i === 0 || t < duration);
}

/** Where the import's tail check decodes (in the keyframe run), or undefined for a video of 2 s or less. */
export function tailCheckTime(duration: number): number | undefined {
  return duration > 2 ? duration - 1.5 : undefined;
}

/**
 * The import's keyframe run started before ffprobe has answered (the two ran one after the other; one core
 * idled): its facts are guesses — the duration from the MP4/MOV movie header (`movieHeaderDuration`), start time
 * 0, the height ffmpeg derives from the picture (`scale=320:-2`). `resultFor(args)` gives its frames only when
 * the run is exactly the one the probe's facts ask for (`args`, the same arguments, the height the run gave);
 * otherwise it stops the run (killed, waited for) and gives null: the caller runs it the normal way.
 * `stop()` kills it (a failed or cancelled import); both may be called more than once.
 */
export interface SpeculativeKeyframeRun {
  resultFor(args: string[]): Promise<{ frames: Uint8Array[]; tailDecodes: boolean | null } | null>;
  stop(): Promise<void>;
}

export function startSpeculativeKeyframeRun(
  ffmpeg: Ffmpeg,
  file: string,
  headerDuration: number,
  signal: AbortSignal,
): SpeculativeKeyframeRun {
  const times = keyframeTimes(headerDuration, thumbnailTime(headerDuration));
  const tailAt = tailCheckTime(headerDuration);
  const abort = new AbortController();
  const stopOnAbort = () => abort.abort();
  signal.addEventListener('abort', stopOnAbort, { once: true });
  const run = readKeyframesAndTailAnyHeight(ffmpeg, file, times, 320, abort.signal, tailAt, 0)
    .catch(() => null)
    .finally(() => signal.removeEventListener('abort', stopOnAbort));
  const argsWith = (height: number) => keyframesAndTailArgs(file, times, { width: 320, height }, tailAt, 0);
  const stop = async () => {
    abort.abort();
    await run;
  };
  return {
    stop,
    async resultFor(args) {
      // Everything but the height is known now: a mismatch stops the run at once.
      const height = /scale=320:(\d+):/.exec(args.join(' '))?.[1];
      if (!height || !isDeepStrictEqual(argsWith(Number(height)), args)) {
        await stop();
        return null;
      }
      const got = await run;
      if (signal.aborted) return null;
      return got && isDeepStrictEqual(argsWith(got.height), args) ? { frames: got.frames, tailDecodes: got.tailDecodes } : null;
    },
  };
}

/**
 * The import's tail check, done in the thumbnail's ffmpeg run (`readKeyframesAndTail`): the frame at `at`
 * decoded exactly. `whenUnclear` (the full check, which throws when the file is cut short or damaged) runs when
 * that frame did not come out cleanly, before any frame is read again one time at a time.
 */
export interface TailCheck {
  at: number;
  whenUnclear: () => Promise<void>;
}

export async function writePrivateThumbnail(
  ffmpeg: Ffmpeg,
  file: string,
  /** `headerStart`: an MP4/MOV file's start time (0 for most), read without find_stream_info (`readKeyframesAndTail`). */
  facts: { duration: number; width: number; height: number; at: number; headerStart?: number },
  thumbnail: string,
  signal?: AbortSignal,
  hide?: ThumbnailHide | null,
  tail?: TailCheck,
  speculative?: SpeculativeKeyframeRun,
): Promise<boolean> {
  const w = 320;
  const h = Math.max(2, Math.round((facts.height * w) / facts.width / 2) * 2);
  const times = keyframeTimes(facts.duration, facts.at);
  const first =
    (speculative &&
      (await speculative.resultFor(keyframesAndTailArgs(file, times, { width: w, height: h }, tail?.at, facts.headerStart)))) ??
    (await readKeyframesAndTail(ffmpeg, file, times, { width: w, height: h }, signal, tail?.at, facts.headerStart));
  if (tail && first.tailDecodes !== true) await tail.whenUnclear();
  const read = first.frames ?? (await readOneByOne(ffmpeg, file, times, w, h, signal));
  const frames = read.flatMap((data) => (data ? [{ width: w, height: h, data }] : []));
  const thumb = read[0];
  if (!thumb) throw new FramewiseError('undecodable', `${file}: no video frame could be decoded`);
  const region = imageArea(frames);
  if (region) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!insideMask(region, x + 0.5, y + 0.5)) thumb.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
      }
    }
  }
  if (hide) blackOut(thumb, w, h, hide);
  await writeRgbJpeg(ffmpeg, { width: w, height: h, data: thumb }, thumbnail, signal ? { signal } : {});
  await chmod(thumbnail, 0o600);
  return !!region;
}

/**
 * The endoscope image in a few frames, or null (no dark surround: a phone video). Only frames with a dark
 * surround say where the image is, and a pixel is image when it is lit in most of them: a frame lit edge to
 * edge (the scope outside the patient, colour bars) made the whole frame "image" (lit in 30 % of three
 * samples: one) and left the overlay of the others unmasked.
 */
function imageArea(frames: Array<{ width: number; height: number; data: Uint8Array }>): MeasuredEndoscopeRegion | null {
  const framed = frames.filter(hasDarkSurround);
  return framed.length ? detectEndoscopeRegion(framed, { litShare: 0.5 }) : null;
}

/**
 * The conservative mask for previews made before OCR has found the endoscope image (sprite sheets): the image
 * area found from frames at the thumbnail's sample times, as the thumbnail finds it. Null when the video has no
 * such area (its previews keep the whole picture) or no frame decodes.
 */
export async function previewImageArea(
  ffmpeg: Ffmpeg,
  file: string,
  facts: { duration: number; width: number; height: number },
  signal?: AbortSignal,
): Promise<MeasuredEndoscopeRegion | null> {
  const w = 320;
  const h = Math.max(2, Math.round((facts.height * w) / facts.width / 2) * 2);
  const times = REGION_SAMPLES.map((share) => facts.duration * share).filter((t) => t < facts.duration);
  const read =
    (await readKeyframesRgb(ffmpeg, file, times, { width: w, height: h }, signal)) ??
    (await readOneByOne(ffmpeg, file, times, w, h, signal));
  return imageArea(read.flatMap((data) => (data ? [{ width: w, height: h, data }] : [])));
}

/** At least a tenth of the frame is black or near-black (the ground an endoscope image sits on). */
function hasDarkSurround(f: { data: Uint8Array }): boolean {
  const pixels = f.data.length / 3;
  let dark = 0;
  for (let i = 0; i < f.data.length; i += 3) if (f.data[i]! * 77 + f.data[i + 1]! * 150 + f.data[i + 2]! * 29 < 24 << 8) dark++;
  return dark >= pixels * 0.1;
}

/** A damaged or cut-short file: each time on its own; the thumbnail falls back to the first frame. */
async function readOneByOne(
  ffmpeg: Ffmpeg,
  file: string,
  times: number[],
  w: number,
  h: number,
  signal?: AbortSignal,
): Promise<Array<Uint8Array | null>> {
  const read = await Promise.all(times.map((t) => readFrameRgb(ffmpeg, file, t, { width: w, height: h }, signal, true)));
  if (!read[0] && times[0]! > 0) read[0] = await readFrameRgb(ffmpeg, file, 0, { width: w, height: h }, signal);
  return read;
}

/** What a thumbnail must hide besides the conservative area: the preview mask (OCR's frame size) and its boxes. */
export interface ThumbnailHide {
  frameWidth: number;
  frameHeight: number;
  region: MeasuredEndoscopeRegion | null;
  boxes: Array<{ x: number; y: number; width: number; height: number }>;
}

/** Black out, in a W×H RGB picture, everything outside `hide.region` and inside any of `hide.boxes` (2 px margin). */
function blackOut(data: Uint8Array, w: number, h: number, hide: ThumbnailHide): void {
  const sx = w / hide.frameWidth;
  const sy = h / hide.frameHeight;
  const r = hide.region;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const fx = (x + 0.5) / sx;
      const fy = (y + 0.5) / sy;
      const outside = r ? !insideMask(r, (fx * r.frameWidth) / hide.frameWidth, (fy * r.frameHeight) / hide.frameHeight) : false;
      const inBox = hide.boxes.some((b) => fx >= b.x - 2 && fx < b.x + b.width + 2 && fy >= b.y - 2 && fy < b.y + b.height + 2);
      if (outside || inBox) data.fill(0, (y * w + x) * 3, (y * w + x) * 3 + 3);
    }
  }
}

/** A tag of what a thumbnail hides (kept in its artifact meta): '' for the conservative mask of the import alone. */
export function thumbnailMaskTag(hide: ThumbnailHide | null): string {
  return hide ? createHash('sha256').update(JSON.stringify(hide)).digest('hex').slice(0, 12) : '';
}

/**
 * Make the video's thumbnail again FROM THE SOURCE with the conservative mask of the import plus `hide` (OCR's
 * region and text boxes, the time-ranged masks on its frames), replacing the file atomically. From the source,
 * not from the thumbnail itself: a mask the reviewer removed must show its pixels again (a thumbnail only ever
 * darkened again stays black where no mask is any more). Nothing is done when the thumbnail was made with this
 * mask already (its artifact meta says so).
 *
 * When the source cannot be read (the file is offline, damaged), the existing thumbnail is darkened with `hide`
 * instead (`remaskThumbnail`): it then hides at least what the masks hide, and its tag says it must be made from
 * the source again next time. Throws when neither works: the caller must then withdraw it (fail closed).
 * A video without a thumbnail (one withdrawn by an earlier refresh that failed) gets it again: `restoreThumbnail`.
 * Returns 'remade', 'darkened', 'current', 'restored' or 'none' (no such video).
 */
export async function remakeThumbnail(
  services: Pick<Services, 'db' | 'ffmpeg' | 'artifactsDir'>,
  videoId: number,
  hide: ThumbnailHide | null,
): Promise<'remade' | 'darkened' | 'current' | 'restored' | 'none'> {
  const art = await services.db.reader
    .selectFrom('artifacts')
    .select(['id', 'path', 'meta_json'])
    .where('video_id', '=', videoId)
    .where('kind', '=', 'thumbnail')
    .executeTakeFirst();
  if (!art) return restoreThumbnail(services, videoId, hide);
  const meta = JSON.parse(art.meta_json ?? '{}') as { width?: number; mask?: string };
  const tag = thumbnailMaskTag(hide);
  if ((meta.mask ?? '') === tag) return 'current';
  const video = await services.db.reader
    .selectFrom('videos')
    .select(['path', 'duration', 'display_width', 'display_height', 'width', 'height'])
    .where('id', '=', videoId)
    .executeTakeFirst();
  if (!video) return 'none';
  const file = path.join(services.artifactsDir, art.path);
  let how: 'remade' | 'darkened' = 'remade';
  try {
    await writeAtomically(file, (tmp) => thumbnailFromSource(services.ffmpeg, video, tmp, hide));
  } catch (err) {
    // Nothing more to hide than the import did: the existing thumbnail (made with more masks) may stay; its tag
    // is kept, so the next refresh tries the source again.
    if (!hide) return 'current';
    if (!(await remaskThumbnail(services, videoId, hide))) throw err;
    how = 'darkened';
  }
  await services.db.writer
    .updateTable('artifacts')
    .set({ meta_json: JSON.stringify({ ...meta, mask: how === 'remade' ? tag : `darkened-${tag}` }) })
    .where('id', '=', art.id)
    .execute();
  return how;
}

/**
 * Black out, in the video's existing thumbnail, what `hide` hides (only ever darker: the fallback of
 * `remakeThumbnail` when the source cannot be read). Written atomically; false when there is no readable thumbnail.
 */
export async function remaskThumbnail(
  services: Pick<Services, 'db' | 'ffmpeg' | 'artifactsDir'>,
  videoId: number,
  hide: ThumbnailHide,
): Promise<boolean> {
  const art = await services.db.reader
    .selectFrom('artifacts')
    .select('path')
    .where('video_id', '=', videoId)
    .where('kind', '=', 'thumbnail')
    .executeTakeFirst();
  if (!art) return false;
  const file = path.join(services.artifactsDir, art.path);
  const info = await services.ffmpeg.probe(file);
  const w = info.video?.displayWidth ?? 0;
  const h = info.video?.displayHeight ?? 0;
  if (!w || !h) return false;
  const data = await readFrameRgb(services.ffmpeg, file, 0, { width: w, height: h });
  if (!data) return false;
  blackOut(data, w, h, hide);
  await writeAtomically(file, async (tmp) => {
    await writeRgbJpeg(services.ffmpeg, { width: w, height: h, data }, tmp);
    await chmod(tmp, 0o600);
  });
  return true;
}

/** The import's thumbnail of a library video, made again from its source with `hide`'s masks. */
function thumbnailFromSource(
  ffmpeg: Services['ffmpeg'],
  video: {
    path: string;
    duration: number;
    display_width: number;
    display_height: number;
    width: number;
    height: number;
  },
  tmp: string,
  hide: ThumbnailHide | null,
) {
  const dims = { width: video.display_width || video.width, height: video.display_height || video.height };
  return writePrivateThumbnail(
    ffmpeg,
    video.path,
    { duration: video.duration, ...dims, at: thumbnailTime(video.duration) },
    tmp,
    undefined,
    hide,
  );
}

/**
 * Make the thumbnail of a video that has none — every import makes one, so it was withdrawn by a refresh that
 * could not make it current (`core/ocr/preview-refresh.ts`, fail closed) — from the source with the current
 * masks, at the import's place. Without this a withdrawn thumbnail stayed withdrawn, and silent, for good: a
 * refresh found no thumbnail to make current, and importing the file again only finds the duplicate.
 * Throws when it cannot be made (the source offline, the folder failing): the caller says it is still not shown.
 */
async function restoreThumbnail(
  services: Pick<Services, 'db' | 'ffmpeg' | 'artifactsDir'>,
  videoId: number,
  hide: ThumbnailHide | null,
): Promise<'restored' | 'none'> {
  const video = await services.db.reader
    .selectFrom('videos')
    .select(['path', 'sha256', 'duration', 'display_width', 'display_height', 'width', 'height'])
    .where('id', '=', videoId)
    .executeTakeFirst();
  if (!video) return 'none';
  const rel = path.join(artifactRelDir(video.sha256), 'thumbnail.jpg');
  await writeAtomically(path.join(services.artifactsDir, rel), (tmp) => thumbnailFromSource(services.ffmpeg, video, tmp, hide));
  // One row per video: a refresh that restored it meanwhile (the same file, made with the masks of that moment)
  // keeps its row.
  await services.db.writer.transaction().execute(async (trx) => {
    const other = await trx
      .selectFrom('artifacts')
      .select('id')
      .where('video_id', '=', videoId)
      .where('kind', '=', 'thumbnail')
      .executeTakeFirst();
    if (other) return;
    await trx
      .insertInto('artifacts')
      .values({
        video_id: videoId,
        kind: 'thumbnail',
        path: rel,
        meta_json: JSON.stringify({ width: 320, mask: thumbnailMaskTag(hide) }),
        created_at: nowIso(),
      })
      .execute();
  });
  return 'restored';
}
