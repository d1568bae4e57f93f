/**
 * Named operation "render kept ranges": one ffmpeg pass that keeps frame ranges of a video (dropping the rest)
 * or plays some of them faster, audio and video on the same frame grid.
 *  - video: `select` by frame number (kept: every frame; sped up by F: every F-th frame) + `setpts` to a
 *    constant rate, so the output has exactly the selected frames at the source rate;
 *  - audio: `asplit` → one `atrim` per range (sample-exact) → `concat`. A sped-up range is played F times faster
 *    with `atempo` (pitch kept) and then padded/trimmed to exactly its frames' length, so both streams have the
 *    same length range by range and stay in sync within one sample.
 * A variable-frame-rate source is cut by presentation time instead of frame number (cut-vfr.ts).
 */
import type { Fraction } from '../util/fraction.js';
import { vfrRanges, vfrVideoGraph } from './cut-vfr.js';

export interface OutputRange {
  /** Source frames, half-open. */
  startFrame: number;
  endFrame: number;
  /** 1 = kept as is; > 1 = played this many times faster. */
  speed: number;
}

/** Frames a range contributes to the output. */
export function outputFrames(r: OutputRange): number {
  const n = r.endFrame - r.startFrame;
  return r.speed === 1 ? n : Math.ceil(n / r.speed);
}

const secs = (frames: number, fps: Fraction) => ((frames * fps.den) / fps.num).toFixed(6);

function videoCondition(r: OutputRange): string {
  const inRange = `between(n,${r.startFrame},${r.endFrame - 1})`;
  if (r.speed === 1) return inRange;
  return `${inRange}*lt(mod(n-${r.startFrame},${r.speed}),1)`;
}

/** `atempo` accepts 0.5–2 in older ffmpeg builds: chain factors of 2 and a remainder. */
export function atempoChain(speed: number): string {
  const parts: string[] = [];
  let left = speed;
  while (left > 2 + 1e-9) {
    parts.push('atempo=2');
    left /= 2;
  }
  parts.push(`atempo=${left.toFixed(6)}`);
  return parts.join(',');
}

/** A variable-frame-rate source is cut by presentation time (core/ffmpeg/cut-vfr.ts). */
export interface VfrCut {
  /** At most this many output frames per second in sped-up ranges (the source's nominal rate). */
  slotRate: Fraction;
}

/** The filter graph (labels [vout] and, with audio, [aout]). */
export function keptRangesGraph(ranges: OutputRange[], fps: Fraction, withAudio: boolean, vfr?: VfrCut): string {
  const parts: string[] = [];
  const timed = vfr ? vfrRanges(ranges, fps) : null;
  if (timed) parts.push(vfrVideoGraph(timed, vfr!.slotRate));
  else parts.push(`[0:v:0]select='${ranges.map(videoCondition).join('+')}',setpts=N*${fps.den}/(${fps.num}*TB)[vout]`);
  if (withAudio) {
    const labels = ranges.map((_, i) => `[as${i}]`);
    parts.push(`[0:a:0]aresample=async=0,asplit=${ranges.length}${labels.join('')}`);
    ranges.forEach((r, i) => {
      const trim = `${labels[i]}atrim=start=${secs(r.startFrame, fps)}:end=${secs(r.endFrame, fps)},asetpts=PTS-STARTPTS`;
      const length = timed ? timed[i]!.length.toFixed(6) : secs(outputFrames(r), fps);
      if (r.speed === 1) parts.push(`${trim}[ak${i}]`);
      else parts.push(`${trim},${atempoChain(r.speed)},apad,atrim=end=${length}[ak${i}]`);
    });
    parts.push(`${ranges.map((_, i) => `[ak${i}]`).join('')}concat=n=${ranges.length}:v=0:a=1[aout]`);
  }
  return parts.join(';');
}

export interface EncodeChoice {
  videoCodec: string;
  videoArgs: string[];
  audioCodec: string;
  audioArgs: string[];
}

/** H.264 + AAC, the default for edited outputs. */
export const DEFAULT_EDIT_ENCODE: EncodeChoice = {
  videoCodec: 'libx264',
  videoArgs: ['-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'],
  audioCodec: 'aac',
  audioArgs: ['-b:a', '192k'],
};

/**
 * Arguments for rendering `ranges` of `input` into `output`. `graphFile`: when given, the graph is read from
 * that file (`-filter_complex_script`), for edits with thousands of ranges (argument length limits).
 */
export function keptRangesArgs(
  input: string,
  output: string,
  ranges: OutputRange[],
  fps: Fraction,
  opts: { withAudio: boolean; encode?: EncodeChoice; graphFile?: string; vfr?: VfrCut },
): { args: string[]; graph: string } {
  const graph = keptRangesGraph(ranges, fps, opts.withAudio, opts.vfr);
  const enc = opts.encode ?? DEFAULT_EDIT_ENCODE;
  const args = [
    '-v',
    'error',
    '-i',
    input,
    ...(opts.graphFile ? ['-filter_complex_script', opts.graphFile] : ['-filter_complex', graph]),
    '-map',
    '[vout]',
    ...(opts.withAudio ? ['-map', '[aout]'] : []),
    '-map_metadata',
    '-1',
    // Constant rate: the selected frames at the source rate. Variable rate: the re-timed frames as they are, on
    // a fine clock (the default one ticks at the nominal rate: times rounded by up to half a frame, and two
    // frames rounded onto one tick would be dropped).
    ...(opts.vfr ? ['-vsync', 'vfr', '-enc_time_base:v', '1:90000'] : ['-r', `${fps.num}/${fps.den}`]),
    '-c:v',
    enc.videoCodec,
    ...enc.videoArgs,
    ...(opts.withAudio ? ['-c:a', enc.audioCodec, ...enc.audioArgs] : []),
    '-movflags',
    '+faststart',
    output,
  ];
  return { args, graph };
}
