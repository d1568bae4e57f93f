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
      [`fps=1/${a.interval}`, `scale=${a.tileWidth}:${a.tileHeight}`, ...hide, `tile=${a.columns}x${a.rows}`].join(','),
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
