import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { streamFrames, type StreamedFrame } from '../../core/ffmpeg/frame-stream.js';
import type { FrameTextLine, FrameTextReader } from '../../core/anonymize/frame-reader.js';
import { findTokensInReadings, patientTokens } from '../../core/anonymize/tokens.js';
import { patientFieldsSchema } from '../../core/anonymize/types.js';
import { generated } from '../helpers/media.js';

/**
 * A generated corpus for the verification reader's recall: one patient token per frame (last name, first
 * name or birth date) in fonts (sans, serif, mono, bold, condensed), sizes 14–40 px, colours, with or without
 * a box, inside the endoscope-like image (on moving texture) or outside it (on black). Deterministic.
 * Recall = tokens the reader finds (same fuzzy match as verification) / tokens shown.
 */
const DIR = '/usr/share/fonts/truetype/dejavu';
const FONTS = [
  'DejaVuSans.ttf',
  'DejaVuSerif.ttf',
  'DejaVuSansMono.ttf',
  'DejaVuSans-Bold.ttf',
  'DejaVuSansCondensed.ttf',
  'DejaVuSerif-Bold.ttf',
];
const SIZES = [14, 16, 18, 20, 22, 24, 28, 32, 36, 40];
const COLOURS = ['white', 'yellow', '0x80ff80', 'cyan', '0xffd0a0', '0xff8080'];
const PEOPLE = [
  { last_name: 'Müller-Weiß', first_name: 'Jürgen', dob: '1961-03-12' },
  { last_name: 'Schneider', first_name: 'Annabell', dob: '1978-11-30' },
  { last_name: 'Okonkwo', first_name: 'Chidera', dob: '2001-07-04' },
  { last_name: 'Hoffmann', first_name: 'Lukas', dob: '1955-01-23' },
  { last_name: 'Nguyen', first_name: 'Thanh', dob: '1990-09-17' },
];

export interface CorpusCase {
  index: number;
  /** The frame (0-based) the case is drawn on. */
  frame: number;
  person: number;
  field: 'last_name' | 'first_name' | 'dob';
  text: string;
  font: string;
  size: number;
  colour: string;
  box: boolean;
  inside: boolean;
  x: number;
  y: number;
}

export interface CorpusLayout {
  name: string;
  width: number;
  height: number;
  region: { x: number; y: number; width: number; height: number };
  /** Positions (not text sizes) relative to the 720p layout. */
  scale: number;
}

export const CORPUS: CorpusLayout = { name: '720p', width: 1280, height: 720, region: { x: 440, y: 0, width: 720, height: 720 }, scale: 1 };
/**
 * The same corpus at 1080p: the same text in the same pixel sizes (14–40 px), positions and the image region
 * scaled ×1.5. The reader scales a 1080p frame by 0.5 for detection (0.75 at 720p), so small text is smaller
 * for the detector here.
 */
export const CORPUS_1080: CorpusLayout = {
  name: '1080p',
  width: 1920,
  height: 1080,
  region: { x: 660, y: 0, width: 1080, height: 1080 },
  scale: 1.5,
};

/**
 * How the cases are laid out: `perFrame` cases share a frame (1: the original corpus, one case per frame at
 * fixed positions); with more, each case's look (size, font, colour, box, place) is drawn from `seed` and the
 * cases of a frame are placed at random, apart from each other, so every seed is another arrangement.
 */
export interface CorpusPacking {
  perFrame: number;
  seed: number;
}

export const ONE_PER_FRAME: CorpusPacking = { perFrame: 1, seed: 0 };

/** A small deterministic PRNG (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A generous estimate of where a case's text lands (frame pixels): DejaVu's widest glyphs, the box border. */
export function caseRect(c: Pick<CorpusCase, 'x' | 'y' | 'size' | 'text' | 'box'>): {
  x: number;
  y: number;
  width: number;
  height: number;
} {
  const b = c.box ? 4 : 0;
  return { x: c.x - b, y: c.y - b, width: Math.ceil(c.size * 0.72 * [...c.text].length) + 2 * b, height: Math.ceil(c.size * 1.25) + 2 * b };
}

function tokenText(person: number, field: CorpusCase['field']): string {
  const p = PEOPLE[person]!;
  const [y, m, d] = p.dob.split('-');
  return field === 'dob' ? `${d}.${m}.${y}` : p[field];
}

export function corpusCases(n = 120, layout: CorpusLayout = CORPUS, packing: CorpusPacking = ONE_PER_FRAME): CorpusCase[] {
  if (packing.perFrame > 1) return packedCases(n, layout, packing);
  const k = layout.scale;
  const out: CorpusCase[] = [];
  for (let i = 0; i < n; i++) {
    const person = i % PEOPLE.length;
    const field = (['last_name', 'first_name', 'dob'] as const)[i % 3]!;
    const text = tokenText(person, field);
    const inside = i % 2 === 0;
    const size = SIZES[(i * 7) % SIZES.length]!;
    // Inside: somewhere in the image (away from its round edge); outside: the overlay strip on the left.
    const x = inside ? 520 + ((i * 53) % 300) : 20 + ((i * 31) % 120);
    const y0 = inside ? 120 + ((i * 97) % 440) : 30 + ((i * 89) % 620);
    out.push({
      index: i,
      frame: i,
      person,
      field,
      text,
      font: FONTS[(i * 5) % FONTS.length]!,
      size,
      // Per block of 4 cases (inside/outside × box/none) one colour, so each colour meets every condition.
      colour: COLOURS[Math.floor(i / 4) % COLOURS.length]!,
      box: i % 4 === 1 || i % 4 === 2,
      inside,
      x: Math.round(x * k),
      y: Math.round(y0 * k),
    });
  }
  return out;
}

/**
 * `n` cases, `perFrame` to a frame. Half inside the image, half outside; sizes, fonts, colours, boxes, people and
 * fields drawn from the seed (sizes and fields evenly: each value as often as the others, in shuffled order).
 * Cases of a frame keep at least their text height apart from each other (they are separate lines, not one).
 */
function packedCases(n: number, layout: CorpusLayout, { perFrame, seed }: CorpusPacking): CorpusCase[] {
  const rnd = prng(0x9e3779b1 ^ (seed * 7919));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const shuffled = <T>(xs: T[]): T[] => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  const sizes = shuffled(Array.from({ length: n }, (_, i) => SIZES[i % SIZES.length]!));
  const k = layout.scale;
  const R = layout.region;
  const out: CorpusCase[] = [];
  for (let i = 0; i < n; i++) {
    const frame = Math.floor(i / perFrame);
    const person = Math.floor(rnd() * PEOPLE.length);
    const field = (['last_name', 'first_name', 'dob'] as const)[(i + seed) % 3]!;
    const text = tokenText(person, field);
    const size = sizes[i]!;
    const box = rnd() < 0.5;
    const inside = i % 2 === 0;
    const base = { text, size, box };
    const others = out.filter((o) => o.frame === frame).map(caseRect);
    let x = 0;
    let y = 0;
    for (let attempt = 0; ; attempt++) {
      const w = caseRect({ ...base, x: 0, y: 0 }).width;
      const h = caseRect({ ...base, x: 0, y: 0 }).height;
      const [x0, x1] = inside ? [R.x + 60 * k, R.x + R.width - 60 * k - w] : [20 * k, R.x - 16 * k - w];
      const [y0, y1] = inside ? [R.y + 60 * k, R.y + R.height - 60 * k - h] : [24 * k, layout.height - 24 * k - h];
      x = Math.round(x0 + rnd() * Math.max(0, x1 - x0));
      y = Math.round(y0 + rnd() * Math.max(0, y1 - y0));
      const r = caseRect({ ...base, x, y });
      const apart = others.every((o) => {
        const gap = Math.max(o.height, r.height);
        return r.x >= o.x + o.width + gap || o.x >= r.x + r.width + gap || r.y >= o.y + o.height + gap || o.y >= r.y + r.height + gap;
      });
      if (apart) break;
      if (attempt > 500) throw new Error(`recall corpus: no room for case ${i} in frame ${frame}`);
    }
    out.push({ index: i, frame, person, field, text, font: pick(FONTS), size, colour: pick(COLOURS), box, inside, x, y });
  }
  return out;
}

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'").replace(/,/g, '\\,');
}

/** The cases' frames (25 fps), one ffmpeg run; cached by the media helper. */
export async function corpusVideo(
  cases: CorpusCase[],
  layout: CorpusLayout = CORPUS,
  packing: CorpusPacking = ONE_PER_FRAME,
): Promise<string> {
  const { width: W, height: H, region: R } = layout;
  const frames = Math.max(...cases.map((c) => c.frame)) + 1;
  const packed = packing.perFrame > 1 ? `-p${packing.perFrame}s${packing.seed}` : '';
  const draws = cases.map(
    (c) =>
      `drawtext=fontfile=${DIR}/${c.font}:text='${esc(c.text)}':x=${c.x}:y=${c.y}:fontsize=${c.size}:fontcolor=${c.colour}` +
      `${c.box ? ':box=1:boxcolor=black@0.55:boxborderw=4' : ''}:enable='eq(n,${c.frame})'`,
  );
  return generated(`recall-corpus-v2-${layout.scale === 1 ? '' : `${layout.name}-`}${cases.length}${packed}.mp4`, (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${W}x${H}:r=25:d=${frames / 25}`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${R.width}x${R.height}:r=25:d=${frames / 25}`,
    '-filter_complex',
    `[1:v]hue=s=0.4,geq=r='r(X,Y)*0.8+40':g='g(X,Y)*0.6+20':b='b(X,Y)*0.6+20'[img];[0:v][img]overlay=${R.x}:${R.y}[a];[a]${draws.join(',')}[v]`,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '14',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
}

export interface RecallResult {
  shown: number;
  found: number;
  recall: number;
  /** Recall over tokens of at least 16 px. */
  recall16: number;
  shown16: number;
  found16: number;
  missed: CorpusCase[];
  seconds: number;
  layout: CorpusLayout;
  packing: CorpusPacking;
}

/** Recall (tokens ≥ 16 px) per condition — size, font, colour, box, position, field — as report lines. */
export function recallBreakdown(r: RecallResult, cases: CorpusCase[] = corpusCases(r.shown, r.layout, r.packing)): string[] {
  const missed = new Set(r.missed.map((c) => c.index));
  const big = cases.filter((c) => c.size >= 16);
  const keys: Array<[string, (c: CorpusCase) => string]> = [
    ['size', (c) => `${c.size}px`],
    ['font', (c) => c.font.replace(/\.ttf$/, '')],
    ['colour', (c) => c.colour],
    ['box', (c) => (c.box ? 'box' : 'no box')],
    ['position', (c) => (c.inside ? 'inside' : 'outside')],
    ['field', (c) => c.field],
  ];
  return keys.map(([name, key]) => {
    const groups = new Map<string, [number, number]>();
    for (const c of big) {
      const g = groups.get(key(c)) ?? [0, 0];
      g[1]++;
      if (!missed.has(c.index)) g[0]++;
      groups.set(key(c), g);
    }
    const order = [...groups].sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }));
    return `${name}: ${order.map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ')}`;
  });
}

/** Found/shown per text size, 14 px included (the promise covers ≥ 16 px; 14 px shows the margin). */
export function recallBySize(r: RecallResult, cases: CorpusCase[] = corpusCases(r.shown, r.layout, r.packing)): string {
  const missed = new Set(r.missed.map((c) => c.index));
  const sizes = [...new Set(cases.map((c) => c.size))].sort((a, b) => a - b);
  return sizes
    .map((s) => {
      const of = cases.filter((c) => c.size === s);
      return `${s}px ${of.filter((c) => !missed.has(c.index)).length}/${of.length}`;
    })
    .join(', ');
}

/** Whether a line the reader found lies on the case's text (the other cases of a packed frame are elsewhere). */
function onCase(line: FrameTextLine, c: CorpusCase): boolean {
  const r = caseRect(c);
  const m = c.size;
  const b = line.box;
  return b.x < r.x + r.width + m && b.x + b.width > r.x - m && b.y < r.y + r.height + m && b.y + b.height > r.y - m;
}

/**
 * Reads every frame of the corpus and counts the cases whose token the reader found (on the case's place when
 * cases share a frame). `inspect` sees each frame's cases and lines (diagnostics).
 */
export async function measureRecall(
  reader: FrameTextReader,
  n = 120,
  layout: CorpusLayout = CORPUS,
  packing: CorpusPacking = ONE_PER_FRAME,
  inspect?: (frame: StreamedFrame, cases: CorpusCase[], lines: FrameTextLine[], hits: Set<number>) => void | Promise<void>,
): Promise<RecallResult> {
  const cases = corpusCases(n, layout, packing);
  const file = await corpusVideo(cases, layout, packing);
  const ffmpeg = await Ffmpeg.create();
  const t0 = Date.now();
  const hits = new Set<number>();
  await streamFrames(ffmpeg, file, {
    step: 1,
    width: layout.width,
    height: layout.height,
    onFrame: async (f) => {
      const here = cases.filter((c) => c.frame === f.frame);
      if (!here.length) return;
      const lines = await reader.read(f);
      for (const c of here) {
        const tokens = patientTokens(patientFieldsSchema.parse({ ...PEOPLE[c.person]!, examination_date: null })).filter(
          (t) => t.field === c.field,
        );
        const candidates = packing.perFrame > 1 ? lines.filter((l) => onCase(l, c)) : lines;
        if (candidates.some((l) => findTokensInReadings([l.text, ...(l.alternatives ?? [])], tokens).length)) hits.add(c.index);
      }
      await inspect?.(f, here, lines, hits);
    },
  });
  const big = cases.filter((c) => c.size >= 16);
  const found16 = big.filter((c) => hits.has(c.index)).length;
  return {
    shown: cases.length,
    found: hits.size,
    recall: hits.size / cases.length,
    shown16: big.length,
    found16,
    recall16: found16 / Math.max(1, big.length),
    missed: cases.filter((c) => !hits.has(c.index)),
    seconds: (Date.now() - t0) / 1000,
    layout,
    packing,
  };
}
