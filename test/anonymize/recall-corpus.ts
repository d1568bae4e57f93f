import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { streamFrames } from '../../core/ffmpeg/frame-stream.js';
import type { FrameTextReader } from '../../core/anonymize/frame-reader.js';
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

export function corpusCases(n = 120, layout: CorpusLayout = CORPUS): CorpusCase[] {
  const k = layout.scale;
  const out: CorpusCase[] = [];
  for (let i = 0; i < n; i++) {
    const person = i % PEOPLE.length;
    const p = PEOPLE[person]!;
    const field = (['last_name', 'first_name', 'dob'] as const)[i % 3]!;
    const [y, m, d] = p.dob.split('-');
    const text = field === 'dob' ? `${d}.${m}.${y}` : p[field];
    const inside = i % 2 === 0;
    const size = SIZES[(i * 7) % SIZES.length]!;
    // Inside: somewhere in the image (away from its round edge); outside: the overlay strip on the left.
    const x = inside ? 520 + ((i * 53) % 300) : 20 + ((i * 31) % 120);
    const y0 = inside ? 120 + ((i * 97) % 440) : 30 + ((i * 89) % 620);
    out.push({
      index: i,
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

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'").replace(/,/g, '\\,');
}

/** One frame per case (25 fps), one ffmpeg run; cached by the media helper. */
export async function corpusVideo(cases: CorpusCase[], layout: CorpusLayout = CORPUS): Promise<string> {
  const { width: W, height: H, region: R } = layout;
  const draws = cases.map(
    (c) =>
      `drawtext=fontfile=${DIR}/${c.font}:text='${esc(c.text)}':x=${c.x}:y=${c.y}:fontsize=${c.size}:fontcolor=${c.colour}` +
      `${c.box ? ':box=1:boxcolor=black@0.55:boxborderw=4' : ''}:enable='eq(n,${c.index})'`,
  );
  return generated(`recall-corpus-v2-${layout.scale === 1 ? '' : `${layout.name}-`}${cases.length}.mp4`, (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${W}x${H}:r=25:d=${cases.length / 25}`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${R.width}x${R.height}:r=25:d=${cases.length / 25}`,
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
}

/** Recall (tokens ≥ 16 px) per condition — size, font, colour, box, position, field — as report lines. */
export function recallBreakdown(r: RecallResult, cases: CorpusCase[] = corpusCases(r.shown, r.layout)): string[] {
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
    return `${name}: ${[...groups].map(([k, [f, n]]) => `${k} ${f}/${n}`).join(', ')}`;
  });
}

/** Found/shown per text size, 14 px included (the promise covers ≥ 16 px; 14 px shows the margin). */
export function recallBySize(r: RecallResult, cases: CorpusCase[] = corpusCases(r.shown, r.layout)): string {
  const missed = new Set(r.missed.map((c) => c.index));
  const sizes = [...new Set(cases.map((c) => c.size))].sort((a, b) => a - b);
  return sizes
    .map((s) => {
      const of = cases.filter((c) => c.size === s);
      return `${s}px ${of.filter((c) => !missed.has(c.index)).length}/${of.length}`;
    })
    .join(', ');
}

export async function measureRecall(reader: FrameTextReader, n = 120, layout: CorpusLayout = CORPUS): Promise<RecallResult> {
  const cases = corpusCases(n, layout);
  const file = await corpusVideo(cases, layout);
  const ffmpeg = await Ffmpeg.create();
  const t0 = Date.now();
  const hits = new Set<number>();
  await streamFrames(ffmpeg, file, {
    step: 1,
    width: layout.width,
    height: layout.height,
    onFrame: async (f) => {
      const c = cases[f.frame];
      if (!c) return;
      const tokens = patientTokens(patientFieldsSchema.parse({ ...PEOPLE[c.person]!, examination_date: null })).filter(
        (t) => t.field === c.field,
      );
      const lines = await reader.read(f);
      if (lines.some((l) => findTokensInReadings([l.text, ...(l.alternatives ?? [])], tokens).length)) hits.add(c.index);
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
  };
}
