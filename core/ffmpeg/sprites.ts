/**
 * Named ffmpeg operations for sprite sheets (JPEG grids of small thumbnails): a clip's single sheet, and a whole
 * video's hover-preview sheets in one pass with everything outside the endoscope image and every text box found
 * blacked out.
 */
import type { Ffmpeg } from './index.js';
import type { FfmpegProgress } from './process.js';
import { firstVideoOnly } from './args.js';

/** One JPEG of `columns × rows` tiles, `count` frames spread evenly over [start, start + duration). */
export async function writeSpriteSheet(
  ffmpeg: Ffmpeg,
  input: string,
  a: {
    start: number;
    duration: number;
    count: number;
    columns: number;
    rows: number;
    tileWidth: number;
    tileHeight: number;
    /** What to black out in each tile (tile pixels). */
    mask?: PreviewMaskBoxes;
    /** Time-ranged boxes, by the frame counter of this pass (0 = the first frame after the seek). */
    timed?: TimedMaskBoxes;
  },
  output: string,
  signal?: AbortSignal,
): Promise<void> {
  await ffmpeg.run(
    [
      '-v',
      'error',
      ...(a.start > 0 ? ['-ss', a.start.toFixed(6)] : []),
      '-t',
      a.duration.toFixed(6),
      '-i',
      input,
      ...firstVideoOnly(),
      '-vf',
      [
        ...timedMaskFilters(a.timed),
        `fps=${(a.count / a.duration).toFixed(6)}`,
        `scale=${a.tileWidth}:${a.tileHeight}`,
        'setsar=1',
        ...maskFilters(a.mask, a.tileWidth, a.tileHeight),
        `tile=${a.columns}x${a.rows}`,
      ].join(','),
      '-frames:v',
      '1',
      '-q:v',
      '5',
      '-f',
      'image2',
      output,
    ],
    signal ? { signal } : {},
  );
}

export interface PreviewSheets {
  /** Seconds between thumbnails. */
  interval: number;
  tileWidth: number;
  tileHeight: number;
  columns: number;
  rows: number;
  /** The rectangle to keep in tile pixels (the endoscope image); everything outside it is black. Null: keep all. */
  keep: Rect | null;
  /** Boxes to black out in tile pixels (text OCR found, inside the image too). */
  hide?: Rect[];
  /** Time-ranged boxes, by source frame number (the pass starts at frame 0). */
  timed?: TimedMaskBoxes;
}

/**
 * Boxes hidden only on some frames, measured in a `frameWidth × frameHeight` picture: each on the frames whose
 * counter `n` (in the pass, from 0) lies in [first, last].
 */
export interface TimedMaskBoxes {
  frameWidth: number;
  frameHeight: number;
  masks: Array<{ rect: Rect; first: number; last: number }>;
}

/**
 * drawbox filters for time-ranged boxes, placed BEFORE frames are picked and scaled: `n` is then the decoded
 * frame's number, so a tile (whatever frame the fps filter picks for it) hides exactly the masks on that frame.
 * The frame there is upright but may have non-square pixels, so boxes are scaled by `iw`/`ih` expressions,
 * grown outward to whole pixels.
 */
export function timedMaskFilters(t: TimedMaskBoxes | undefined): string[] {
  if (!t) return [];
  return t.masks.map(({ rect: r, first, last }) => {
    const x0 = `floor(iw*${r.x}/${t.frameWidth})`;
    const y0 = `floor(ih*${r.y}/${t.frameHeight})`;
    const x1 = `ceil(iw*${r.x + r.width}/${t.frameWidth})`;
    const y1 = `ceil(ih*${r.y + r.height}/${t.frameHeight})`;
    return `drawbox=x='${x0}':y='${y0}':w='${x1}-${x0}':h='${y1}-${y0}':color=black:t=fill:enable='between(n,${first},${last})'`;
  });
}

type Rect = { x: number; y: number; width: number; height: number };

/** What a preview hides, in its own pixels: all outside `keep` (null: nothing) and every box of `hide`. */
export interface PreviewMaskBoxes {
  keep: Rect | null;
  hide: Rect[];
}

/** drawbox filters for a W×H picture: black outside `keep`, black boxes over `hide`. None without a mask. */
export function maskFilters(mask: PreviewMaskBoxes | undefined, W: number, H: number): string[] {
  if (!mask) return [];
  return [
    ...(mask.keep ? outsideBoxes(mask.keep, W, H) : []),
    ...mask.hide.map((b) => `drawbox=x=${b.x}:y=${b.y}:w=${b.width}:h=${b.height}:color=black:t=fill`),
  ];
}

/**
 * One pass `fps=1/interval,scale,…,tile=CxR` over the first video stream, writing numbered JPEG sheets to
 * `outputPattern` (e.g. `dir/sheet-%03d.jpg`). Returns the command line it ran.
 */
export async function writePreviewSheets(
  ffmpeg: Ffmpeg,
  input: string,
  a: PreviewSheets,
  outputPattern: string,
  opts: { signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void } = {},
): Promise<{ command: string[] }> {
  const hide = maskFilters({ keep: a.keep, hide: a.hide ?? [] }, a.tileWidth, a.tileHeight);
  const { command } = await ffmpeg.run(
    [
      '-v',
      'error',
      '-i',
      input,
      ...firstVideoOnly(),
      '-vf',
      [
        ...timedMaskFilters(a.timed),
        `fps=1/${a.interval}`,
        `scale=${a.tileWidth}:${a.tileHeight}`,
        ...hide,
        `tile=${a.columns}x${a.rows}`,
      ].join(','),
      '-q:v',
      '5',
      outputPattern,
    ],
    opts,
  );
  return { command };
}

/** drawbox filters blacking out everything of a W×H picture outside the rectangle `r` (clipped to the picture). */
export function outsideBoxes(r: { x: number; y: number; width: number; height: number }, W: number, H: number): string[] {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(W, r.x + r.width);
  const y1 = Math.min(H, r.y + r.height);
  const box = (x: number, y: number, w: number, h: number) =>
    w > 0 && h > 0 ? [`drawbox=x=${x}:y=${y}:w=${w}:h=${h}:color=black:t=fill`] : [];
  return [...box(0, 0, W, y0), ...box(0, y1, W, H - y1), ...box(0, y0, x0, y1 - y0), ...box(x1, y0, W - x1, y1 - y0)];
}
