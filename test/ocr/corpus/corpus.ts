import { existsSync } from 'node:fs';
import type { OverlayLine, OverlaySpec } from '../overlay-media.js';
import { corpusNames, type CorpusName } from './names.js';

/** The three corpus fonts (Debian fonts-dejavu-core, fonts-liberation2, fonts-freefont-ttf). */
export const CORPUS_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/freefont/FreeSans.ttf',
] as const;

export function missingCorpusFonts(): string[] {
  return CORPUS_FONTS.filter((f) => !existsSync(f));
}

export const CORPUS_SIZES = [14, 18, 22, 26, 32] as const;
export type Polarity = 'light-on-dark' | 'dark-on-light';

export const DATE_FORMATS = ['dd.mm.yyyy', 'yyyy-mm-dd', 'yyyy/mm/dd', 'dd/mm/yy', 'd. Monat yyyy', 'dd Mon yyyy', 'Mon d, yyyy'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const DE_MONTHS = ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'];
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const p2 = (n: number) => String(n).padStart(2, '0');

export function formatDate(y: number, m: number, d: number, f: DateFormat): string {
  switch (f) {
    case 'dd.mm.yyyy':
      return `${p2(d)}.${p2(m)}.${y}`;
    case 'yyyy-mm-dd':
      return `${y}-${p2(m)}-${p2(d)}`;
    case 'yyyy/mm/dd':
      return `${y}/${p2(m)}/${p2(d)}`;
    case 'dd/mm/yy':
      return `${p2(d)}/${p2(m)}/${p2(y % 100)}`;
    case 'd. Monat yyyy':
      return `${d}. ${DE_MONTHS[m - 1]} ${y}`;
    case 'dd Mon yyyy':
      return `${p2(d)} ${EN_MONTHS[m - 1]} ${y}`;
    case 'Mon d, yyyy':
      return `${EN_MONTHS[m - 1]} ${d}, ${y}`;
  }
}

export interface CorpusItem {
  kind: 'name' | 'date';
  /** Name: "Last, First"; date: ISO (and time when printed). */
  truth: string;
  time?: string;
  name?: CorpusName;
  format?: DateFormat;
  line: OverlayLine;
}

export interface CorpusFrame {
  id: string;
  font: string;
  size: number;
  polarity: Polarity;
  spec: OverlaySpec;
  items: CorpusItem[];
}

/** Deterministic pseudo-random numbers (the corpus is the same on every run). */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const LIGHT_COLOURS = ['white', '0xf0f060', '0x80ff80'];
const DARK_COLOURS = ['black', '0x202060'];

/**
 * All names of the corpus, rendered many per frame: a name column on the left and a date column on the
 * right, one font, size and polarity per frame. Frames cycle through fonts × sizes × polarities so every
 * combination gets names.
 */
export function corpusFrames(): CorpusFrame[] {
  const names = corpusNames();
  const rand = rng(20);
  const frames: CorpusFrame[] = [];
  let next = 0;
  let combo = 0;
  const width = 1280;
  const height = 720;
  while (next < names.length) {
    const font = CORPUS_FONTS[combo % 3]!;
    const size = CORPUS_SIZES[Math.floor(combo / 3) % CORPUS_SIZES.length]!;
    const polarity: Polarity = Math.floor(combo / 15) % 2 === 0 ? 'light-on-dark' : 'dark-on-light';
    combo++;
    const step = Math.round(size * 2.3);
    const rows = Math.floor((height - 40) / step);
    const items: CorpusItem[] = [];
    for (let r = 0; r < rows && next < names.length; r++) {
      const n = names[next++]!;
      const y = 20 + r * step;
      const colour =
        polarity === 'light-on-dark'
          ? LIGHT_COLOURS[(r + combo) % LIGHT_COLOURS.length]!
          : DARK_COLOURS[(r + combo) % DARK_COLOURS.length]!;
      items.push({
        kind: 'name',
        truth: `${n.last}, ${n.first}`,
        name: n,
        line: { text: `${n.last}, ${n.first}`, x: 30, y, size, color: colour, font },
      });
      const year = 1930 + Math.floor(rand() * 95);
      const month = 1 + Math.floor(rand() * 12);
      const day = 1 + Math.floor(rand() * 28);
      const format = DATE_FORMATS[(next + combo) % DATE_FORMATS.length]!;
      // dd/mm/yy: the century is inferred (years up to this year's two digits are 20xx), so print recent years.
      const y4 = format === 'dd/mm/yy' ? 2000 + (year % 25) : year;
      const withTime = r % 3 === 0;
      const time = `${p2(Math.floor(rand() * 24))}:${p2(Math.floor(rand() * 60))}`;
      const text = formatDate(y4, month, day, format) + (withTime ? ` ${time}` : '');
      items.push({
        kind: 'date',
        truth: `${y4}-${p2(month)}-${p2(day)}`,
        ...(withTime ? { time } : {}),
        format,
        line: { text, x: 760, y, size, color: colour, font },
      });
    }
    frames.push({
      id: `f${frames.length}`,
      font,
      size,
      polarity,
      spec: { width, height, background: polarity === 'light-on-dark' ? '0x101010' : '0xe8e8e8', lines: items.map((i) => i.line) },
      items,
    });
  }
  return frames;
}

/**
 * A stratified subset for the CI budget: every `every`-th frame. Frames cycle fonts fastest (3), then sizes
 * (5), then polarity, so an `every` prime to 3 and 5 still covers every font, size and polarity.
 */
export function stratifiedSubset(frames: CorpusFrame[], every: number): CorpusFrame[] {
  return frames.filter((_, i) => i % every === 0);
}
