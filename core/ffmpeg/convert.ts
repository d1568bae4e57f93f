/**
 * Named operation "convert": the argument list for re-encoding or remuxing one file with a resolved preset.
 * Rules: frames are rotated upright by ffmpeg's autorotation and the output carries no rotation (applied once);
 * the display aspect ratio is kept (a size limit scales to square pixels); the colour range and colour tags are
 * kept; tags, chapters and subtitles are copied where the container can hold them, minus stripped keys.
 */
import type { Ffmpeg } from './index.js';
import { colourFacts, type ColourFacts, type MediaInfo } from './probe.js';
import { isTextSubtitleCodec } from './subtitle-codecs.js';

export type { ColourFacts };

/** Colour tags and pixel aspect of the first video stream (ffprobe). */
export async function probeColour(ffmpeg: Ffmpeg, file: string, signal?: AbortSignal): Promise<ColourFacts> {
  const { stdout } = await ffmpeg.ffprobe(
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=color_range,color_space,color_primaries,color_transfer,sample_aspect_ratio',
      '-of',
      'json',
      file,
    ],
    signal ? { signal } : {},
  );
  return colourFacts(((JSON.parse(stdout) as { streams?: Array<Record<string, unknown>> }).streams ?? [])[0] ?? {});
}

export interface ConvertSpec {
  kind: 'video' | 'audio' | 'remux';
  container: string;
  videoEncoder?: string;
  videoArgs?: string[];
  audioEncoder?: string;
  audioArgs?: string[];
  muxArgs?: string[];
  maxWidth?: number;
  maxHeight?: number;
  fps?: string;
  audio: boolean;
  strip: string[];
}

/** How subtitles go into the container: codec to use, or null (dropped). */
export function subtitlePlan(container: string, codecs: string[]): { codec: string | null; dropped: string[] } {
  if (!codecs.length) return { codec: null, dropped: [] };
  const allText = codecs.every(isTextSubtitleCodec);
  // Matroska holds every subtitle codec except MP4's own text format, which becomes SubRip.
  if (container === '.mkv') return { codec: codecs.includes('mov_text') && allText ? 'srt' : 'copy', dropped: [] };
  if ((container === '.mp4' || container === '.mov' || container === '.m4v') && allText) return { codec: 'mov_text', dropped: [] };
  if (container === '.webm' && allText) return { codec: 'webvtt', dropped: [] };
  return { codec: null, dropped: codecs };
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** Output size for a size limit (display pixels, square), or null when no scaling is needed. */
export function limitedSize(
  info: MediaInfo,
  colour: ColourFacts,
  maxWidth?: number,
  maxHeight?: number,
): { width: number; height: number } | null {
  const v = info.video;
  if (!v || (!maxWidth && !maxHeight)) return null;
  const dispW = v.displayWidth * (v.rotation === 90 || v.rotation === 270 ? 1 : colour.sar);
  const dispH = v.displayHeight * (v.rotation === 90 || v.rotation === 270 ? colour.sar : 1);
  const f = Math.min(1, maxWidth ? maxWidth / dispW : 1, maxHeight ? maxHeight / dispH : 1);
  if (f >= 1 && colour.sar === 1) return null;
  return { width: even(dispW * f), height: even(dispH * f) };
}

export interface ConvertArgs {
  args: string[];
  warnings: string[];
}

export function convertArgs(input: string, output: string, spec: ConvertSpec, info: MediaInfo, colour: ColourFacts): ConvertArgs {
  const warnings: string[] = [];
  const hasAudio = info.streams.some((s) => s.type === 'audio');
  const subs = info.streams.filter((s) => s.type === 'subtitle').map((s) => s.codec ?? 'unknown');
  const stripAll = spec.strip.includes('all');
  const args = ['-v', 'error', '-i', input];
  const meta = stripAll ? ['-map_metadata', '-1', '-map_chapters', '-1'] : ['-map_metadata', '0', '-map_chapters', '0'];
  for (const key of stripAll ? [] : spec.strip) meta.push('-metadata', `${key}=`, '-metadata:s', `${key}=`);

  if (spec.kind === 'audio') {
    args.push('-map', '0:a:0', '-vn', '-sn', '-dn', ...meta, '-c:a', spec.audioEncoder!, ...(spec.audioArgs ?? []));
    args.push(...(spec.muxArgs ?? []), output);
    return { args, warnings };
  }

  const sub = subtitlePlan(spec.container, subs);
  if (sub.dropped.length) warnings.push(`Subtitles (${sub.dropped.join(', ')}) cannot be stored in ${spec.container} and were left out`);
  args.push('-map', '0:v:0');
  if (spec.audio && hasAudio) args.push('-map', '0:a?');
  if (sub.codec) args.push('-map', '0:s?');
  args.push('-dn', ...meta);

  if (spec.kind === 'remux') {
    args.push('-c:v', 'copy', ...(spec.audio ? ['-c:a', 'copy'] : ['-an']), ...(sub.codec ? ['-c:s', sub.codec] : ['-sn']));
    args.push(...(spec.muxArgs ?? []), output);
    return { args, warnings };
  }

  const filters: string[] = [];
  const full = colour.range === 'pc' || (info.video?.pixelFormat ?? '').startsWith('yuvj');
  const size = limitedSize(info, colour, spec.maxWidth, spec.maxHeight);
  if (size) filters.push(`scale=${size.width}:${size.height}${full ? ':in_range=full:out_range=full' : ''}`, 'setsar=1');
  else if (full) filters.push('scale=in_range=full:out_range=full');
  if (spec.fps) filters.push(`fps=${spec.fps}`);
  const pixFmtGiven = (spec.videoArgs ?? []).includes('-pix_fmt');
  if (!pixFmtGiven) filters.push('format=yuv420p');
  if (filters.length) args.push('-vf', filters.join(','));
  args.push('-c:v', spec.videoEncoder!, ...(spec.videoArgs ?? []));
  // Colour tags as the source had them (the range also drives the encoder's full-range flag).
  if (full) args.push('-color_range', 'pc');
  else if (colour.range) args.push('-color_range', colour.range);
  if (colour.space) args.push('-colorspace', colour.space);
  if (colour.primaries) args.push('-color_primaries', colour.primaries);
  if (colour.transfer) args.push('-color_trc', colour.transfer);
  // Frames are upright after autorotation: no rotation may be applied again.
  args.push('-metadata:s:v:0', 'rotate=0');
  if (spec.audio && hasAudio) args.push('-c:a', spec.audioEncoder!, ...(spec.audioArgs ?? []));
  else args.push('-an');
  if (sub.codec) args.push('-c:s', sub.codec);
  else args.push('-sn');
  args.push(...(spec.muxArgs ?? []), output);
  return { args, warnings };
}
