import { createWriteStream, type WriteStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { FramewiseError } from '../util/errors.js';
import type { ScoreSeries } from './segments.js';

/**
 * Compact score storage: one file per (video, model), never a database row per frame.
 *
 * Layout (little-endian):
 *   8 bytes  magic "FWSCORE1"
 *   4 bytes  header length H (uint32)
 *   H bytes  header JSON (utf8): { labels, model, version, fps, sampleFps, ... }, padded with spaces to 8-byte alignment
 *   records  one per sample: time float64 | frame uint32 | scores float32 × labels
 * The sample count is (file size − data offset) / record size, so the file is written in one streaming pass.
 */
const MAGIC = 'FWSCORE1';

export interface ScoresHeader {
  labels: string[];
  model: string;
  modelVersion: string;
  modelSha256: string;
  /** Video frame rate used for frame numbers, e.g. "30000/1001". */
  fps: string;
  /** Samples per second requested, or null for every frame. */
  sampleFps: number | null;
  activation: string;
  createdAt: string;
}

export const recordSize = (labels: number): number => 12 + 4 * labels;

function encodeHeader(header: ScoresHeader): Buffer {
  let json = JSON.stringify(header);
  const base = 8 + 4;
  while ((base + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const body = Buffer.from(json, 'utf8');
  const head = Buffer.alloc(base);
  head.write(MAGIC, 0, 'latin1');
  head.writeUInt32LE(body.length, 8);
  return Buffer.concat([head, body]);
}

/** Streams sample records to a file; memory stays at one small buffer whatever the video length. */
export class ScoresWriter {
  private stream: WriteStream;
  private labels: number;
  samples = 0;
  private failed: Error | null = null;

  constructor(file: string, header: ScoresHeader) {
    this.labels = header.labels.length;
    this.stream = createWriteStream(file, { flags: 'w' });
    this.stream.on('error', (err) => (this.failed = err));
    this.stream.write(encodeHeader(header));
  }

  /** Append `count` samples: times/frames per sample and row-major scores [count × labels]. Resolves when drained. */
  async append(times: ArrayLike<number>, frames: ArrayLike<number>, scores: Float32Array, count: number): Promise<void> {
    if (this.failed) throw this.failed;
    const rs = recordSize(this.labels);
    const buf = Buffer.alloc(rs * count);
    for (let i = 0; i < count; i++) {
      const o = i * rs;
      buf.writeDoubleLE(times[i]!, o);
      buf.writeUInt32LE(frames[i]!, o + 8);
      for (let l = 0; l < this.labels; l++) buf.writeFloatLE(scores[i * this.labels + l]!, o + 12 + 4 * l);
    }
    this.samples += count;
    if (!this.stream.write(buf)) await new Promise<void>((resolve) => this.stream.once('drain', resolve));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
    if (this.failed) throw this.failed;
    const fh = await open(this.stream.path as string, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  destroy(): void {
    this.stream.destroy();
  }
}

export interface StoredScores extends ScoreSeries {
  header: ScoresHeader;
}

/** Read a scores file back into columns. */
export async function readScores(file: string): Promise<StoredScores> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (err) {
    throw new FramewiseError('file_missing', `Scores file ${file} cannot be read (${(err as Error).message}); run the prediction again`);
  }
  if (buf.length < 12 || buf.toString('latin1', 0, 8) !== MAGIC)
    throw new FramewiseError('artifact_damaged', `${file}: not a Framewise scores file`);
  const h = buf.readUInt32LE(8);
  const header = JSON.parse(buf.toString('utf8', 12, 12 + h)) as ScoresHeader;
  const L = header.labels.length;
  const rs = recordSize(L);
  const dataStart = 12 + h;
  const n = Math.floor((buf.length - dataStart) / rs);
  const times = new Float64Array(n);
  const frames = new Uint32Array(n);
  const scores = new Float32Array(n * L);
  for (let i = 0; i < n; i++) {
    const o = dataStart + i * rs;
    times[i] = buf.readDoubleLE(o);
    frames[i] = buf.readUInt32LE(o + 8);
    for (let l = 0; l < L; l++) scores[i * L + l] = buf.readFloatLE(o + 12 + 4 * l);
  }
  return { header, labels: header.labels, times, frames, scores };
}
