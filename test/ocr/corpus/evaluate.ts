import type { Ffmpeg } from '../../../core/ffmpeg/index.js';
import { fieldConfidence } from '../../../core/ocr/confidence.js';
import { sampleFrames, scoreReading, type OcrEngine, type ReadLine } from '../../../core/ocr/pipeline.js';
import { findDates } from '../../../core/patient/dates.js';
import { extractFields } from '../../../core/patient/extract.js';
import { overlayMedia } from '../overlay-media.js';
import type { CorpusFrame, CorpusItem } from './corpus.js';

export interface ItemResult {
  frame: string;
  kind: CorpusItem['kind'];
  font: string;
  size: number;
  polarity: string;
  correct: boolean;
  confidence: number;
  /** Only for the report of a failed test: corpus names are invented test identities. */
  truth: string;
  read: string;
}

export const TODAY = new Date('2026-01-01T00:00:00Z');

/** The lines read in the row and column of an item, left to right, joined. */
function linesFor(item: CorpusItem, lines: ReadLine[]): ReadLine[] {
  const size = item.line.size ?? 28;
  const top = item.line.y - size * 0.4;
  const bottom = item.line.y + size * 1.4;
  const leftColumn = item.line.x < 640;
  return lines
    .filter((l) => {
      const cy = l.box.y + l.box.height / 2;
      const cx = l.box.x + l.box.width / 2;
      return cy >= top && cy <= bottom && cx < 640 === leftColumn;
    })
    .sort((a, b) => a.box.x - b.box.x);
}

/** Merge the parts of one row (the detector may split a line at a wide gap). */
function merge(parts: ReadLine[]): ReadLine | null {
  if (!parts.length) return null;
  if (parts.length === 1) return parts[0]!;
  return {
    text: parts.map((p) => p.text).join(' '),
    confidence: Math.min(...parts.map((p) => p.confidence)),
    ...(parts.some((p) => p.alternative !== undefined) ? { alternative: parts.map((p) => p.alternative ?? p.text).join(' ') } : {}),
    chars: parts.flatMap((p, i) => [...(i ? [{ text: ' ', confidence: 1 }] : []), ...(p.chars ?? [])]),
    box: parts[0]!.box,
    detectorScore: Math.min(...parts.map((p) => p.detectorScore)),
  };
}

/** Render each frame, read it with the real detector + recogniser, and score every item. */
export async function evaluateFrames(ffmpeg: Ffmpeg, engine: OcrEngine, frames: CorpusFrame[]): Promise<ItemResult[]> {
  const out: ItemResult[] = [];
  for (const f of frames) {
    const file = await overlayMedia(`corpus-${f.id}`, f.spec);
    let lines: ReadLine[] = [];
    for await (const s of sampleFrames(ffmpeg, file, { times: [0] })) lines = await engine.readFrame(s.image);
    for (const item of f.items) {
      const line = merge(linesFor(item, lines));
      const read = line?.text ?? '';
      let correct = false;
      let confidence = 0;
      if (line && item.kind === 'name') {
        const reextract = (ls: ReadLine[]) => extractFields(ls, { today: TODAY });
        const fields = reextract([line]);
        const value = fields.last_name && fields.first_name ? `${fields.last_name.value}, ${fields.first_name.value}` : '';
        correct = value === item.truth;
        confidence = value
          ? Math.min(
              scoreReading('last_name', fields.last_name!, [line], reextract).confidence,
              scoreReading('first_name', fields.first_name!, [line], reextract).confidence,
            )
          : 0;
      } else if (line) {
        const parse = (text: string) => {
          const d = findDates(text, { today: TODAY })[0];
          return d ? `${d.iso}${d.time ? ` ${d.time}` : ''}` : '';
        };
        const value = parse(read);
        const alt = line.alternative !== undefined ? parse(line.alternative) : value;
        correct = value === `${item.truth}${item.time ? ` ${item.time}` : ''}`;
        confidence = fieldConfidence({
          text: value,
          line: {
            confidence: line.confidence,
            ...(line.chars ? { chars: line.chars } : {}),
            ...(alt !== value ? { alternative: alt } : {}),
          },
          kind: 'date',
          agreement: 1,
        });
      }
      out.push({
        frame: f.id,
        kind: item.kind,
        font: f.font,
        size: f.size,
        polarity: f.polarity,
        correct,
        confidence,
        truth: item.truth,
        read,
      });
    }
  }
  return out;
}

export interface ReliabilityRow {
  range: string;
  fields: number;
  right: number;
  /** Share right (1 when no fields). */
  accuracy: number;
}

export const CONFIDENCE_BINS: Array<[number, number]> = [
  [0, 0.5],
  [0.5, 0.7],
  [0.7, 0.9],
  [0.9, 1.0001],
];

/** Reliability table: per confidence bin, how many fields and how many of them were right. */
export function reliabilityTable(results: ItemResult[]): ReliabilityRow[] {
  return CONFIDENCE_BINS.map(([lo, hi]) => {
    const rs = results.filter((r) => r.confidence >= lo && r.confidence < hi);
    const right = rs.filter((r) => r.correct).length;
    return {
      range: `${lo.toFixed(1)}–${Math.min(1, hi).toFixed(1)}`,
      fields: rs.length,
      right,
      accuracy: rs.length ? right / rs.length : 1,
    };
  });
}
