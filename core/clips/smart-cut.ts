/**
 * Smart cut (H.264): re-encode only the frames from the cut to the next keyframe, stream-copy the rest, join
 * them, and copy the audio of the clip. The result is checked (frame count, a clean decode); when the codec does
 * not allow it or the check fails, the caller falls back to an accurate re-encode.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { concatList } from '../ffmpeg/concat.js';
import { writeWithSubtitles, type JoinedTrack } from '../ffmpeg/subtitle-timeline.js';
import { checkDecodes, seekBefore, smartHeadArgs, smartJoinArgs, smartTailArgs } from '../ffmpeg/clips.js';
import { FramewiseError } from '../util/errors.js';
import { frameToTime, type Fraction } from '../util/fraction.js';

export interface SmartSource {
  path: string;
  codec: string | null;
  pixFmt: string | null;
  /**
   * Seconds from the file's start to its first picture (Matroska remuxed from MP4 with primed AAC: 0.021 s).
   * Clip and keyframe times count from the first picture, ffmpeg's -ss from the file's start.
   */
  videoStart?: number;
}

/** Why a smart cut is not possible here, or null. */
export function smartCutRefusal(src: SmartSource, ext: string): string | null {
  if (src.codec !== 'h264') return `smart cutting needs H.264 video (this is ${src.codec ?? 'unknown'})`;
  if (!['.mp4', '.m4v', '.mov', '.mkv'].includes(ext.toLowerCase())) return `smart cutting is not available for ${ext} files`;
  return null;
}

export async function smartCut(
  ffmpeg: Ffmpeg,
  src: SmartSource,
  clip: { startFrame: number; endFrame: number },
  fps: Fraction,
  nextKeyframe: number,
  work: string,
  output: string,
  signal: AbortSignal,
  /** The clip's text subtitles (laid out; undefined: the source's subtitle streams as they are). */
  subtitles?: JoinedTrack[],
  /** With `subtitles`: `-map`s of the source's bitmap subtitle streams (input 1), copied as they are. */
  bitmapMaps: string[] = [],
): Promise<string[][]> {
  const startT = frameToTime(clip.startFrame, fps);
  const endT = frameToTime(clip.endFrame, fps);
  // On the file's timeline: a tail sought to the keyframe's picture time alone started from the keyframe before
  // it when the picture starts late (Matroska, 21 ms: 20 + 50 frames for 45).
  const shift = src.videoStart ?? 0;
  const headFrames = Math.round((nextKeyframe - startT) * (fps.num / fps.den));
  const head = path.join(work, `head-${clip.startFrame}.ts`);
  const tail = path.join(work, `tail-${clip.startFrame}.ts`);
  const commands: string[][] = [];
  const run = async (args: string[]) => void commands.push((await ffmpeg.run(args, { signal })).command);
  await run(
    smartHeadArgs(src.path, { start: seekBefore(clip.startFrame, fps) + shift, frames: headFrames, pixFmt: src.pixFmt ?? 'yuv420p' }, head),
  );
  await run(smartTailArgs(src.path, { start: nextKeyframe + shift, duration: endT - nextKeyframe }, tail));
  const list = path.join(work, `smart-${clip.startFrame}.txt`);
  await writeFile(list, concatList([head, tail]));
  // The join's cues are checked against its first picture (the MPEG-TS parts can start it late).
  const build = (tracks: JoinedTrack[], o: string) =>
    smartJoinArgs(list, src.path, { start: startT + shift, duration: endT - startT }, o, subtitles ? tracks : undefined, bitmapMaps);
  await writeWithSubtitles(ffmpeg, build, subtitles ?? [], output, run, signal);
  const check = await checkDecodes(ffmpeg, output, signal);
  const expected = clip.endFrame - clip.startFrame;
  if (!check.clean || Math.abs(check.packets - expected) > 0)
    throw new FramewiseError(
      'verification_failed',
      `smart cut gave ${check.packets} frames (expected ${expected})${check.clean ? '' : ' with decoding errors'}`,
    );
  return commands;
}
