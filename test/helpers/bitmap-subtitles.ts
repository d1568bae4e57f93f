/**
 * Bitmap subtitles for tests. ffmpeg cannot render text into a bitmap subtitle, so a PGS stream (Blu-ray's
 * Presentation Graphic Stream, `.sup`) is written here byte by byte: per cue a display set (PCS, WDS, PDS, ODS,
 * END segments) showing one white box, and one (PCS with no object, WDS, END) clearing it. ffmpeg decodes it and
 * encodes DVD subtitles from it (`dvdsub`).
 */
import { writeFileSync } from 'node:fs';
import { generated } from './media.js';
import { subtitledMedia } from './scenes.js';

const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);

/** One segment: "PG", PTS and DTS (90 kHz), type, size, data. */
function segment(seconds: number, type: number, data: Buffer): Buffer {
  const head = Buffer.alloc(13);
  head.write('PG', 0, 'latin1');
  head.writeUInt32BE(Math.round(seconds * 90_000) >>> 0, 2);
  head.writeUInt8(type, 10);
  head.writeUInt16BE(data.length, 11);
  return Buffer.concat([head, data]);
}

const PCS = 0x16;
const WDS = 0x17;
const PDS = 0x14;
const ODS = 0x15;
const END = 0x80;

/** A PGS stream of `width`×`height` video whose cues ([start, end] seconds) each show a white 120×30 box. */
export function pgsStream(cues: Array<[number, number]>, width = 320, height = 240): Buffer {
  const [x, y, w, h] = [100, height - 60, 120, 30];
  const window = Buffer.concat([Buffer.from([1, 0]), u16(x), u16(y), u16(w), u16(h)]);
  const parts: Buffer[] = [];
  cues.forEach(([start, end], k) => {
    // Epoch start, one object at (x, y).
    const show = Buffer.concat([
      u16(width),
      u16(height),
      Buffer.from([0x10]),
      u16(2 * k),
      Buffer.from([0x80, 0, 0, 1]),
      u16(0),
      Buffer.from([0, 0]),
      u16(x),
      u16(y),
    ]);
    // Palette 0: entry 0 transparent, entry 1 opaque white (Y, Cr, Cb, alpha).
    const palette = Buffer.from([0, 0, 0, 16, 128, 128, 0, 1, 235, 128, 128, 255]);
    // Each line: w pixels of colour 1 (0x00, 0b11LLLLLL LLLLLLLL, colour), then end of line (0x00 0x00).
    const line = Buffer.from([0, 0xc0 | (w >> 8), w & 0xff, 1, 0, 0]);
    const rle = Buffer.concat(Array.from({ length: h }, () => line));
    const length = rle.length + 4;
    const object = Buffer.concat([
      u16(0),
      Buffer.from([0, 0xc0, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]),
      u16(w),
      u16(h),
      rle,
    ]);
    parts.push(
      segment(start, PCS, show),
      segment(start, WDS, window),
      segment(start, PDS, palette),
      segment(start, ODS, object),
      segment(start, END, Buffer.alloc(0)),
    );
    const clear = Buffer.concat([u16(width), u16(height), Buffer.from([0x10]), u16(2 * k + 1), Buffer.from([0, 0, 0, 0])]);
    parts.push(segment(end, PCS, clear), segment(end, WDS, window), segment(end, END, Buffer.alloc(0)));
  });
  return Buffer.concat(parts);
}

/**
 * `subtitledMedia` (4 s H.264 with a keyframe every 25 frames, AAC, a text track with cues at 0.5–1.5 s and
 * 2.5–3.5 s) in Matroska with, after its text track (SubRip), the same two cues as bitmaps: PGS
 * (hdmv_pgs_subtitle, "eng") and DVD subtitles (dvd_subtitle, "fra").
 */
export const bitmapSubtitledMkv = async () => {
  const base = await subtitledMedia();
  return generated('scenes-subtitled-4s-gop25-srt-pgs-dvd.mkv', (out) => {
    const sup = out + '.sup';
    writeFileSync(
      sup,
      pgsStream([
        [0.5, 1.5],
        [2.5, 3.5],
      ]),
    );
    return [
      '-i',
      base,
      // The .sup's timeline starts at its first cue: kept where it is (not moved to 0).
      '-itsoffset',
      '0.5',
      '-i',
      sup,
      // DVD subtitles end by their own time: the PGS clearing display set gives it.
      '-fix_sub_duration',
      '-itsoffset',
      '0.5',
      '-i',
      sup,
      '-map',
      '0',
      '-map',
      '1:0',
      '-map',
      '2:0',
      '-c',
      'copy',
      '-c:s:0',
      'srt',
      '-c:s:1',
      'copy',
      '-c:s:2',
      'dvdsub',
      '-metadata:s:s:1',
      'language=eng',
      '-metadata:s:s:2',
      'language=fra',
      out,
    ];
  });
};
