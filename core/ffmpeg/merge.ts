/**
 * Named operations for joining files end to end: a lossless concat (concat demuxer, stream copy) when every
 * input has the same codecs and parameters, otherwise one re-encode to the first input's upright size and frame
 * rate (each picture scaled to fit and padded, never distorted), audio resampled to 48 kHz stereo and padded or
 * trimmed to its part's video length, with a silent track for inputs that have none (so sync holds).
 */
import type { MediaInfo } from './probe.js';
import { formatFraction, type Fraction } from '../util/fraction.js';
import { joinedTrackInputs, joinedTrackMaps, type JoinedTrack } from './subtitle-timeline.js';

export interface MergeInput {
  file: string;
  info: MediaInfo;
}

function signature(i: MediaInfo): string {
  const v = i.video;
  const a = i.streams.find((s) => s.type === 'audio');
  return JSON.stringify([
    v?.codec,
    v?.width,
    v?.height,
    v?.pixelFormat,
    v?.profile,
    v?.rotation,
    i.fps ? formatFraction(i.fps) : null,
    v?.timeBase ? formatFraction(v.timeBase) : null,
    a?.codec ?? null,
    a?.sampleRate ?? null,
    a?.channels ?? null,
    i.streams.filter((s) => s.type === 'audio').length,
  ]);
}

/** Why the inputs cannot be joined by stream copy, or null when they can. */
export function copyIncompatibility(inputs: MergeInput[]): string | null {
  const first = signature(inputs[0]!.info);
  const other = inputs.find((x) => signature(x.info) !== first);
  return other ? `${other.file} differs from ${inputs[0]!.file} in codec or parameters` : null;
}

const secs = (n: number) => n.toFixed(6);

/** Seconds of a part in a re-encoded join: its pictures' length (the container's may include a longer audio tail). */
export function reencodedPartSeconds(info: MediaInfo): number {
  const fpsIn = info.fps ? info.fps.num / info.fps.den : 0;
  return info.frameCountEstimate && fpsIn > 0 ? info.frameCountEstimate / fpsIn : info.duration;
}

export function concatReencodeArgs(
  inputs: MergeInput[],
  output: string,
  subtitles: JoinedTrack[] = [],
): { args: string[]; width: number; height: number; fps: Fraction } {
  const first = inputs[0]!.info;
  const width = Math.round((first.video?.displayWidth ?? 1280) / 2) * 2;
  const height = Math.round((first.video?.displayHeight ?? 720) / 2) * 2;
  const fps = first.fps ?? { num: 25, den: 1 };
  const r = `${fps.num}/${fps.den}`;
  const parts: string[] = [];
  const args = ['-v', 'error'];
  inputs.forEach((x, i) => {
    args.push('-i', x.file);
    const d = secs(reencodedPartSeconds(x.info));
    parts.push(
      `[${i}:v:0]scale=iw*sar:ih,setsar=1,scale=${width}:${height}:force_original_aspect_ratio=decrease,pad=${width}:${height}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,fps=${r},format=yuv420p,trim=duration=${d},setpts=PTS-STARTPTS[v${i}]`,
    );
    if (x.info.streams.some((s) => s.type === 'audio'))
      parts.push(
        `[${i}:a:0]aresample=48000,aformat=sample_fmts=fltp:channel_layouts=stereo,apad,atrim=duration=${d},asetpts=PTS-STARTPTS[a${i}]`,
      );
    else parts.push(`anullsrc=r=48000:cl=stereo,atrim=duration=${d}[a${i}]`);
  });
  parts.push(`${inputs.map((_, i) => `[v${i}][a${i}]`).join('')}concat=n=${inputs.length}:v=1:a=1[vout][aout]`);
  args.push(
    ...joinedTrackInputs(subtitles),
    '-filter_complex',
    parts.join(';'),
    '-map',
    '[vout]',
    '-map',
    '[aout]',
    ...joinedTrackMaps(subtitles, inputs.length),
    '-map_metadata',
    '0',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-c:a',
    'aac',
    '-b:a',
    '192k',
    '-movflags',
    '+faststart',
    output,
  );
  return { args, width, height, fps };
}
