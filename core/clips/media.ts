/**
 * Keyframe images and sprite sheets of clips, made on demand and kept as artifacts (so the app loads them by
 * artifact id). Keyframes follow PySceneDetect's save-images: one at the middle, or N spread over the clip with a
 * one-frame margin at each end.
 */
import { chmod, mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { nowIso } from '../db/open.js';
import { seekBefore, writeFrameImage } from '../ffmpeg/clips.js';
import { onFileTime, videoStartOf } from '../ffmpeg/file-time.js';
import { writeSpriteSheet } from '../ffmpeg/sprites.js';
import { artifactRelDir } from '../library/import-job.js';
import { previewImageArea } from '../library/private-thumbnail.js';
import { previewFrameWindowAt, previewMask, previewMaskAt, previewTag, timedMaskRanges, type FrameWindow } from '../ocr/index.js';
import type { PreviewMaskBoxes, TimedMaskBoxes } from '../ffmpeg/sprites.js';
import { getVideoRow } from '../library/videos.js';
import type { Services } from '../services.js';
import { writeAtomically } from '../util/fs.js';
import { frameToTime, type Fraction } from '../util/fraction.js';
import { FramewiseError } from '../util/errors.js';
import { numberingFps } from '../scenes/store.js';
import type { Clip } from './store.js';

/** The frames to show for a clip [start, end): the middle for one image, else N spread with one-frame margins. */
export function keyframeFrames(startFrame: number, endFrame: number, count: number): number[] {
  const last = endFrame - 1;
  if (count <= 1 || last <= startFrame) return [startFrame + Math.floor((endFrame - startFrame - 1) / 2)];
  const a = Math.min(startFrame + 1, last);
  const b = Math.max(a, last - 1);
  return Array.from({ length: count }, (_, i) => Math.round(a + ((b - a) * i) / (count - 1)));
}

/**
 * Record a file as an artifact so the app can load it by id. Artifacts are unique per video and kind, so the kind
 * names the file (`clip-keyframe:frame-70-w320.jpg`); asking again returns the same artifact.
 */
async function registerArtifact(s: Services, videoId: number, kind: string, rel: string, meta: unknown): Promise<number> {
  const db = s.db.writer;
  const fullKind = `${kind}:${path.basename(rel)}`;
  const found = await db
    .selectFrom('artifacts')
    .select('id')
    .where('video_id', '=', videoId)
    .where('kind', '=', fullKind)
    .executeTakeFirst();
  if (found) return found.id;
  const row = await db
    .insertInto('artifacts')
    .values({ video_id: videoId, kind: fullKind, path: rel, meta_json: JSON.stringify(meta), created_at: nowIso() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const exists = (p: string) =>
  stat(p).then(
    (x) => x.size > 0,
    () => false,
  );

/**
 * What a clip's previews hide: after OCR, everything outside the endoscope image (its shape) and every text box
 * found; before it, everything outside the area the thumbnail is masked to (conservative; a video without a dark
 * surround keeps its whole picture); either way the time-ranged masks on the frames a preview shows. `tag(frames)`
 * goes into file names, so a file made with another mask is never returned as this one (a change of masks also
 * removes those whose frames it touches: `refreshPreviews`, which reads the tag and frames from the artifact meta).
 */
async function clipMask(
  s: Services,
  row: { id: number; path: string; duration: number; width: number; height: number; display_width: number; display_height: number },
): Promise<{
  tag: (frames: FrameWindow) => string;
  displayWidth: number;
  displayHeight: number;
  at: (w: number, h: number, frames?: FrameWindow) => PreviewMaskBoxes | undefined;
  timed: (frames: FrameWindow, firstFrame: number) => TimedMaskBoxes | undefined;
  /** The frames (numbered as time-ranged masks are: decoded frames) a picture at `seconds` may show. */
  windowAt: (seconds: number) => Promise<FrameWindow>;
}> {
  const displayWidth = row.display_width || row.width;
  const displayHeight = row.display_height || row.height;
  const mask = await previewMask(s, row.id);
  const region = mask?.region ?? (await conservativeArea(s, row, displayWidth, displayHeight));
  const full = mask ? { ...mask, region } : { region, frameWidth: displayWidth, frameHeight: displayHeight, boxes: [] };
  return {
    tag: (frames) => previewTag(mask, frames, !!region),
    displayWidth,
    displayHeight,
    at: (w, h, frames) => (mask || region ? previewMaskAt(full, w, h, frames) : undefined),
    timed: (frames, firstFrame) => timedMaskRanges(mask?.timed, frames, firstFrame),
    windowAt: (seconds) => previewFrameWindowAt(s, row.id, seconds),
  };
}

/**
 * The conservative area of a video before OCR, remembered per video and file (reading it decodes four frames;
 * a scene list asks for a keyframe of every clip). A handful of videos is enough: the list shows one at a time.
 */
const areas = new Map<string, ReturnType<typeof previewImageArea>>();
function conservativeArea(s: Services, row: { id: number; path: string; duration: number }, width: number, height: number) {
  const key = `${s.dataDir}\0${row.id}\0${row.path}`;
  let found = areas.get(key);
  if (!found) {
    found = previewImageArea(s.ffmpeg, row.path, { duration: row.duration, width, height }).catch(() => null);
    if (areas.size >= 16) areas.delete(areas.keys().next().value!);
    areas.set(key, found);
  }
  return found;
}

export interface KeyframeImage {
  frame: number;
  time: number;
  artifactId: number;
  path: string;
}

export async function clipKeyframes(
  s: Services,
  clip: Clip,
  opts: { count: number; format: 'jpeg' | 'png'; width: number },
): Promise<KeyframeImage[]> {
  const row = await getVideoRow(s.db.reader, clip.videoId);
  const fps = numberingFps(row);
  const dir = path.join(artifactRelDir(row.sha256), 'clips');
  await mkdir(path.join(s.artifactsDir, dir), { recursive: true });
  const out: KeyframeImage[] = [];
  const mask = await clipMask(s, row);
  for (const frame of keyframeFrames(clip.startFrame, clip.endFrame, opts.count)) {
    // A clip's frame numbers follow presentation time (frame × nominal rate), time-ranged masks count decoded
    // frames: on a variable-frame-rate video they differ, so the keyframe's masks are those of the frames shown
    // at its time (frame `frame` itself would miss a mask made for the picture on screen).
    const frames = await mask.windowAt(frameToTime(frame, fps));
    const atDisplay = mask.at(mask.displayWidth, mask.displayHeight, frames);
    const displayMask = atDisplay && { ...atDisplay, displayWidth: mask.displayWidth, displayHeight: mask.displayHeight };
    const tag = mask.tag(frames);
    const rel = path.join(dir, `frame-${frame}-w${opts.width}${tag}.${opts.format === 'jpeg' ? 'jpg' : 'png'}`);
    const abs = path.join(s.artifactsDir, rel);
    if (!(await exists(abs))) {
      await writeAtomically(abs, async (tmp) => {
        await writeFrameImage(s.ffmpeg, row.path, onFileTime(videoStartOf(row))(seekBefore(frame, fps)), tmp, {
          format: opts.format,
          width: opts.width,
          ...(displayMask ? { mask: displayMask } : {}),
        });
        await chmod(tmp, 0o600);
      });
      if (!(await exists(abs))) throw new FramewiseError('undecodable', `${row.path}: frame ${frame} could not be decoded`);
    }
    out.push({
      frame,
      time: frameToTime(frame, fps),
      artifactId: await registerArtifact(s, clip.videoId, 'clip-keyframe', rel, { frame, mask: tag, frames }),
      path: abs,
    });
  }
  return out;
}

export const SPRITE_TILE_WIDTH = 160;
const COLUMNS = 10;

export interface ClipSprite {
  artifactId: number;
  vttArtifactId: number;
  path: string;
  vttPath: string;
  count: number;
  columns: number;
  rows: number;
  tileWidth: number;
  tileHeight: number;
  /** Seconds of the video each tile stands for. */
  interval: number;
  start: number;
  vtt: string;
}

function vttTime(t: number): string {
  const ms = Math.round(t * 1000);
  const h = Math.floor(ms / 3600000);
  const m = Math.floor((ms % 3600000) / 60000);
  const sec = Math.floor((ms % 60000) / 1000);
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}.${String(ms % 1000).padStart(3, '0')}`;
}

/** A WebVTT thumbnails track: one cue per tile, `image#xywh=x,y,w,h` (video times). */
export function spriteVtt(
  image: string,
  a: { start: number; interval: number; count: number; columns: number; tileWidth: number; tileHeight: number },
): string {
  const cues = Array.from({ length: a.count }, (_, i) => {
    const x = (i % a.columns) * a.tileWidth;
    const y = Math.floor(i / a.columns) * a.tileHeight;
    return `${vttTime(a.start + i * a.interval)} --> ${vttTime(a.start + (i + 1) * a.interval)}\n${image}#xywh=${x},${y},${a.tileWidth},${a.tileHeight}`;
  });
  return `WEBVTT\n\n${cues.join('\n\n')}\n`;
}

/** The sprite sheet of a clip (up to 100 tiles, about one per second) and its WebVTT track. */
export async function clipSprite(s: Services, clip: Clip): Promise<ClipSprite> {
  const row = await getVideoRow(s.db.reader, clip.videoId);
  const fps: Fraction = numberingFps(row);
  const duration = clip.end - clip.start;
  const frames = clip.endFrame - clip.startFrame;
  const count = Math.max(1, Math.min(100, frames, Math.ceil(duration)));
  const rows = Math.ceil(count / COLUMNS);
  const columns = Math.min(COLUMNS, count);
  const w = row.display_width || row.width;
  const h = row.display_height || row.height;
  const tileHeight = Math.max(2, Math.round((SPRITE_TILE_WIDTH * h) / w / 2) * 2);
  const dir = path.join(artifactRelDir(row.sha256), 'clips');
  const mask = await clipMask(s, row);
  // The clip's frames as time-ranged masks count them (decoded frames; they differ from the clip's numbering on a
  // variable-frame-rate video): from the frame shown at its start to the one shown just before its end.
  const first = await mask.windowAt(clip.start);
  const last = await mask.windowAt(clip.end);
  const shown = { start: first.start, end: Math.max(first.start + 1, last.end - 1) };
  const tag = mask.tag(shown);
  const base = `sprite-${clip.startFrame}-${clip.endFrame}${tag}`;
  const rel = path.join(dir, `${base}.jpg`);
  const abs = path.join(s.artifactsDir, rel);
  await mkdir(path.dirname(abs), { recursive: true });
  const tileMask = mask.at(SPRITE_TILE_WIDTH, tileHeight);
  // Tiles show different frames: each hides the time-ranged masks on its own frame (counted from the clip's first).
  const timed = mask.timed(shown, shown.start);
  if (!(await exists(abs)))
    await writeAtomically(abs, async (tmp) => {
      await writeSpriteSheet(
        s.ffmpeg,
        row.path,
        {
          start: onFileTime(videoStartOf(row))(seekBefore(clip.startFrame, fps)),
          duration,
          count,
          columns,
          rows,
          tileWidth: SPRITE_TILE_WIDTH,
          tileHeight,
          ...(tileMask ? { mask: tileMask } : {}),
          ...(timed ? { timed } : {}),
        },
        tmp,
      );
      await chmod(tmp, 0o600);
    });
  const interval = duration / count;
  const geometry = { start: clip.start, interval, count, columns, tileWidth: SPRITE_TILE_WIDTH, tileHeight };
  const vtt = spriteVtt(`${base}.jpg`, geometry);
  const vttRel = path.join(dir, `${base}.vtt`);
  const vttAbs = path.join(s.artifactsDir, vttRel);
  await writeAtomically(vttAbs, (tmp) => writeFile(tmp, vtt));
  return {
    artifactId: await registerArtifact(s, clip.videoId, 'clip-sprite', rel, { ...geometry, mask: tag, frames: shown }),
    vttArtifactId: await registerArtifact(s, clip.videoId, 'clip-sprite-vtt', vttRel, { mask: tag, frames: shown }),
    path: abs,
    vttPath: vttAbs,
    count,
    columns,
    rows,
    tileWidth: SPRITE_TILE_WIDTH,
    tileHeight,
    interval,
    start: clip.start,
    vtt,
  };
}

/** One WebVTT thumbnails track for the whole video: every clip's sprite sheet, cues in video time. */
export async function videoSpriteTrack(s: Services, clips: Clip[]): Promise<{ vttPath: string; vttArtifactId: number; cues: number }> {
  if (!clips.length) throw new FramewiseError('precondition', 'The video has no clips yet');
  const parts: string[] = [];
  let cues = 0;
  let dir = '';
  for (const c of clips) {
    const sp = await clipSprite(s, c);
    dir = path.dirname(sp.vttPath);
    parts.push(sp.vtt.replace(/^WEBVTT\n\n/, '').trimEnd());
    cues += sp.count;
  }
  const vttAbs = path.join(dir, 'clips.vtt');
  await writeAtomically(vttAbs, (tmp) => writeFile(tmp, `WEBVTT\n\n${parts.join('\n\n')}\n`));
  const rel = path.relative(s.artifactsDir, vttAbs);
  return { vttPath: vttAbs, vttArtifactId: await registerArtifact(s, clips[0]!.videoId, 'clip-sprite-vtt', rel, {}), cues };
}
