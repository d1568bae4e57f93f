/**
 * Export and import of a video's segments as JSON or CSV, so reviews move between machines.
 * Columns: label, start, end (seconds), start_frame, end_frame, source, validated. On import frames win when
 * present (exact); otherwise seconds snap to this video's frame grid. Imported segments become reviewer segments.
 */
import { z } from 'zod';
import type { Segment } from '../segments/types.js';
import { FramewiseError } from '../util/errors.js';
import { nearestFrame, type FrameGrid } from './grid.js';

export type ExchangeFormat = 'json' | 'csv';

export interface ExchangeSegment {
  label: string;
  start: number;
  end: number;
  startFrame: number;
  endFrame: number;
  source: 'prediction' | 'reviewer';
  validated: boolean;
}

const CSV_COLUMNS = ['label', 'start', 'end', 'start_frame', 'end_frame', 'source', 'validated'] as const;

function csvCell(v: string | number | boolean): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function exportSegments(
  segs: Segment[],
  format: ExchangeFormat,
  video: { name: string; fps: { num: number; den: number }; frameCount: number },
): string {
  const items: ExchangeSegment[] = segs.map((s) => ({
    label: s.label,
    start: s.start,
    end: s.end,
    startFrame: s.startFrame,
    endFrame: s.endFrame,
    source: s.source,
    validated: s.validated,
  }));
  if (format === 'json')
    return (
      JSON.stringify(
        {
          format: 'framewise-segments',
          version: 1,
          video: { name: video.name, fps: `${video.fps.num}/${video.fps.den}`, frameCount: video.frameCount },
          segments: items,
        },
        null,
        2,
      ) + '\n'
    );
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of items) lines.push([s.label, s.start, s.end, s.startFrame, s.endFrame, s.source, s.validated].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

/** RFC 4180 CSV (quoted cells, doubled quotes, CRLF or LF). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      if (row.some((x) => x !== '')) rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  row.push(cell);
  if (row.some((x) => x !== '')) rows.push(row);
  return rows;
}

const importItem = z.object({
  label: z.string().min(1).max(100),
  start: z.number().min(0).optional(),
  end: z.number().min(0).optional(),
  startFrame: z.number().int().min(0).optional(),
  endFrame: z.number().int().min(0).optional(),
  source: z.enum(['prediction', 'reviewer']).optional(),
  validated: z.boolean().optional(),
});
const importJson = z.union([z.array(importItem), z.object({ segments: z.array(importItem) }).passthrough()]);

function toFrames(g: FrameGrid, it: z.infer<typeof importItem>, where: string) {
  const startFrame = it.startFrame ?? (it.start !== undefined ? nearestFrame(g, it.start) : undefined);
  const endFrame = it.endFrame ?? (it.end !== undefined ? nearestFrame(g, it.end) : undefined);
  if (startFrame === undefined || endFrame === undefined)
    throw new FramewiseError('usage', `${where}: needs start/end seconds or start_frame/end_frame`);
  return { label: it.label, startFrame, endFrame, validated: it.validated ?? false };
}

/** Parse an export (JSON or CSV) into frame ranges on this video's grid. */
export function parseImport(text: string, format: ExchangeFormat, g: FrameGrid) {
  if (format === 'json') {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (err) {
      throw new FramewiseError('usage', `Not valid JSON: ${(err as Error).message}`);
    }
    const parsed = importJson.safeParse(data);
    if (!parsed.success)
      throw new FramewiseError(
        'usage',
        `Not a segments export: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`,
      );
    const items = Array.isArray(parsed.data) ? parsed.data : parsed.data.segments;
    return items.map((it, i) => toFrames(g, it, `segment ${i + 1}`));
  }
  const rows = parseCsv(text);
  const header = rows.shift()?.map((h) => h.trim().toLowerCase());
  if (!header || !header.includes('label'))
    throw new FramewiseError('usage', `CSV needs a header row with at least: label, start, end (or start_frame, end_frame)`);
  const col = (name: string) => header.indexOf(name);
  const num = (row: string[], name: string, line: number): number | undefined => {
    const i = col(name);
    if (i < 0 || row[i] === undefined || row[i]!.trim() === '') return undefined;
    const n = Number(row[i]);
    if (!Number.isFinite(n) || n < 0) throw new FramewiseError('usage', `CSV line ${line}: ${name} "${row[i]}" is not a number`);
    return n;
  };
  return rows.map((row, k) => {
    const line = k + 2;
    const v = row[col('validated')]?.trim().toLowerCase();
    const item = importItem.safeParse({
      label: row[col('label')]?.trim(),
      start: num(row, 'start', line),
      end: num(row, 'end', line),
      startFrame: num(row, 'start_frame', line),
      endFrame: num(row, 'end_frame', line),
      validated: v === 'true' || v === '1' || v === 'yes',
    });
    if (!item.success)
      throw new FramewiseError('usage', `CSV line ${line}: ${item.error.issues[0]?.path.join('.')}: ${item.error.issues[0]?.message}`);
    return toFrames(g, item.data, `CSV line ${line}`);
  });
}
