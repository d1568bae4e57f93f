/**
 * "Render kept ranges" on a variable-frame-rate source. Frame numbers on a VFR file's grid are ticks of its
 * average rate, not decoded frames, so the ranges are cut by presentation time instead:
 *  - video: a frame is kept when its presentation time lies in a kept range [start, end); it is re-timed to
 *    (t − start) / speed + (the output time the range starts at), so every kept frame shows at the same moment
 *    relative to its audio as in the source, and the output stays variable-rate (`-vsync vfr`);
 *  - a sped-up range keeps at most one frame per slot of the nominal rate (the first frame in each slot), so
 *    playing a part 8× faster does not produce an 8× frame rate;
 *  - audio: the same `atrim` times as the constant-rate path, a sped-up range padded/trimmed to exactly
 *    (end − start) / speed seconds, so both streams have the same length range by range.
 * Times are the file's timeline (what ffmpeg's filters see), like the audio cut of the constant-rate path.
 */
import type { Fraction } from '../util/fraction.js';

/** A range of grid frames (half-open) played at `speed` (1 = as is); the shape of cut.ts's OutputRange. */
interface GridRange {
  startFrame: number;
  endFrame: number;
  speed: number;
}

/** Tolerance for comparing a frame's time with a range edge (edges are printed with 6 decimals). */
const EPS = 1e-6;
const n6 = (x: number) => x.toFixed(6);

export interface VfrRange {
  start: number;
  end: number;
  speed: number;
  /** Where the range starts in the output (seconds). */
  offset: number;
  /** How long it lasts in the output (seconds). */
  length: number;
}

/** The ranges in seconds on the grid `fps`, with their place in the output. Pure. */
export function vfrRanges(ranges: GridRange[], fps: Fraction): VfrRange[] {
  let offset = 0;
  return ranges.map((r) => {
    // Rounded as printed into the graph, so vfrKeptFrames decides exactly like ffmpeg.
    const start = Number(n6((r.startFrame * fps.den) / fps.num));
    const end = Number(n6((r.endFrame * fps.den) / fps.num));
    const length = (end - start) / r.speed;
    const out = { start, end, speed: r.speed, offset, length };
    offset += length;
    return out;
  });
}

/** Slots per second of a sped-up range's source time: `slotRate` output frames per second at most. */
const slotsPerSecond = (r: VfrRange, slotRate: Fraction) => slotRate.num / slotRate.den / r.speed;

function selectTerm(r: VfrRange, slotRate: Fraction): string {
  const inRange = `gte(t,${n6(r.start)}-${EPS})*lt(t,${n6(r.end)}-${EPS})`;
  if (r.speed === 1) return inRange;
  const k = slotsPerSecond(r, slotRate).toFixed(9);
  const slot = (v: string) => `floor((${v}-${n6(r.start)})*${k}+${EPS})`;
  // The first frame of each slot: nothing selected yet, the last selected frame lies before this range, or
  // it lies in an earlier slot.
  return `${inRange}*(isnan(prev_selected_t)+lt(prev_selected_t,${n6(r.start)}-${EPS})+gt(${slot('t')},${slot('prev_selected_t')}))`;
}

function ptsTerm(r: VfrRange): string {
  const inRange = `gte(T,${n6(r.start)}-${EPS})*lt(T,${n6(r.end)}-${EPS})`;
  const speed = r.speed === 1 ? '' : `/${r.speed}`;
  return `${inRange}*((T-${n6(r.start)})${speed}+${n6(r.offset)})`;
}

/** The video part of the graph (label [vout]). */
export function vfrVideoGraph(ranges: VfrRange[], slotRate: Fraction): string {
  return `[0:v:0]select='${ranges.map((r) => selectTerm(r, slotRate)).join('+')}',setpts='(${ranges.map(ptsTerm).join('+')})/TB'[vout]`;
}

/**
 * The source frames (indices into `times`, presentation times in seconds) the video graph keeps, in order:
 * the same rule as the select expression, for reporting and checks. Pure.
 */
export function vfrKeptFrames(times: number[], ranges: VfrRange[], slotRate: Fraction): number[] {
  const kept: number[] = [];
  let prev = Number.NaN;
  times.forEach((t, i) => {
    const r = ranges.find((x) => t >= x.start - EPS && t < x.end - EPS);
    if (!r) return;
    if (r.speed !== 1 && !Number.isNaN(prev) && prev >= r.start - EPS) {
      const k = slotsPerSecond(r, slotRate);
      if (Math.floor((t - r.start) * k + EPS) <= Math.floor((prev - r.start) * k + EPS)) return;
    }
    kept.push(i);
    prev = t;
  });
  return kept;
}
