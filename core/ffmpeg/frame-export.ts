/**
 * Named operations for exporting still frames: the presentation timestamps of every frame (packets, no
 * decoding), and one decoding pass that writes the chosen frames (by frame number, counted from 0 in
 * presentation order) as upright images, optionally with a contact sheet (a grid with timecodes) as a second
 * output of the same pass.
 */
import { existsSync } from 'node:fs';
import type { Ffmpeg } from './index.js';

/** Presentation times (seconds from the first frame) of every video frame, sorted. VFR-safe. */
export async function framePresentationTimes(ffmpeg: Ffmpeg, file: string, signal?: AbortSignal): Promise<number[]> {
  const { stdout } = await ffmpeg.ffprobe(
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,dts_time', '-of', 'csv=p=0', file],
    signal ? { signal } : {},
  );
  const times: number[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [pts, dts] = line.split(',');
    const t = Number(pts);
    const d = Number(dts);
    if (Number.isFinite(t) && pts !== 'N/A') times.push(t);
    else if (Number.isFinite(d)) times.push(d);
  }
  times.sort((a, b) => a - b);
  const first = times[0] ?? 0;
  return times.map((t) => t - first);
}

/** The frame shown at time `t`: the last frame whose presentation time is ≤ t. */
export function frameShownAt(times: number[], t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (hi < 0) return 0;
  if (t < times[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t + 1e-6) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface FrameExportArgs {
  input: string;
  /** Frame numbers, ascending, unique. */
  frames: number[];
  /** printf-style pattern for the images, e.g. /tmp/x/img-%06d.png (numbered 1.. in frame order). */
  pattern: string;
  format: 'png' | 'jpg';
  width?: number;
  sheet?: { file: string; columns: number; tileWidth: number };
}

export function frameExportArgs(o: FrameExportArgs): { args: string[]; graph: string } {
  const select = `select='${o.frames.map((n) => `eq(n,${n})`).join('+')}'`;
  const scale = o.width ? `,scale=${o.width}:-2` : '';
  const parts: string[] = [];
  if (o.sheet) {
    const rows = Math.max(1, Math.ceil(o.frames.length / o.sheet.columns));
    const font = existsSync(FONT) ? `fontfile=${FONT}:` : '';
    parts.push(`[0:v:0]${select},split=2[pick][forsheet]`);
    parts.push(`[pick]null${scale}[img]`);
    parts.push(
      `[forsheet]scale=${o.sheet.tileWidth}:-2,drawtext=${font}text='%{pts\\:hms}':x=4:y=h-th-4:fontsize=${Math.max(10, Math.round(o.sheet.tileWidth / 16))}:fontcolor=white:box=1:boxcolor=black@0.6,tile=${o.sheet.columns}x${rows}:padding=4:margin=4[sheet]`,
    );
  } else {
    parts.push(`[0:v:0]${select}${scale}[img]`);
  }
  const graph = parts.join(';');
  const quality = o.format === 'jpg' ? ['-q:v', '2'] : [];
  const args = [
    '-v',
    'error',
    '-i',
    o.input,
    '-filter_complex',
    graph,
    '-map',
    '[img]',
    '-vsync',
    '0',
    ...quality,
    '-f',
    'image2',
    o.pattern,
  ];
  if (o.sheet) args.push('-map', '[sheet]', '-frames:v', '1', '-q:v', '2', '-f', 'image2', '-update', '1', o.sheet.file);
  return { args, graph };
}
