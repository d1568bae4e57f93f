import { generated, lavfi } from '../helpers/media.js';

const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast'];

/** 2 s, 25 fps: frame n has luma 4·n (lossless), so an exported image says which frame it is. */
export const numberedFrames = () =>
  generated('numbered-frames-2s.mkv', (out) => [
    '-f',
    'lavfi',
    '-i',
    "nullsrc=s=64x48:r=25:d=2,geq=lum='4*N':cb=128:cr=128",
    ...lavfi.tone(2),
    '-c:v',
    'libx264',
    '-qp',
    '0',
    '-pix_fmt',
    'yuv444p',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);

/** 2 s 320x240 stored with a 90° display rotation (set by a stream copy), tags title/comment, H.264 + AAC. */
export const rotatedTagged = async () => {
  const base = await generated('tagged-2s.mp4', (out) => [
    ...lavfi.video({ duration: 2 }),
    ...lavfi.tone(2),
    ...x264,
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-metadata',
    'title=Private Title',
    '-metadata',
    'comment=kept comment',
    '-shortest',
    out,
  ]);
  return generated('rotated90-tagged-2s.mp4', (out) => ['-i', base, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out]);
};

/** 2 s anamorphic: 320x240 storage with 2:1 pixels (displays as 640x240), no audio. */
export const anamorphicSilent = () =>
  generated('anamorphic-2to1-noaudio-2s.mp4', (out) => [
    ...lavfi.video({ duration: 2 }),
    '-vf',
    'setsar=2/1',
    ...x264,
    '-pix_fmt',
    'yuv420p',
    out,
  ]);

/** 2 s full-range (pc) H.264. */
export const fullRange = () =>
  generated('full-range-2s.mp4', (out) => [...lavfi.video({ duration: 2 }), ...x264, '-pix_fmt', 'yuvj420p', '-color_range', 'pc', out]);

/** 1 s H.264 + AAC with a subtitle track (mov_text) and a chapter (via ffmetadata is overkill: the title tag). */
export const short = (name = 'short-1s.mp4') =>
  generated(name, (out) => [
    ...lavfi.video({ duration: 1 }),
    ...lavfi.tone(1),
    ...x264,
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);

/** 2 s H.264 + AAC with a text subtitle track and two chapters. */
export const withSubtitlesAndChapters = async () => {
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { MEDIA_DIR } = await import('../helpers/media.js');
  const path = await import('node:path');
  mkdirSync(MEDIA_DIR, { recursive: true });
  const srt = path.join(MEDIA_DIR, 'two-lines.srt');
  const chapters = path.join(MEDIA_DIR, 'two-chapters.ffmeta');
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:01,000\nHello\n\n2\n00:00:01,000 --> 00:00:02,000\nWorld\n');
  writeFileSync(
    chapters,
    ';FFMETADATA1\ntitle=With chapters\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Two\n',
  );
  return generated('subs-chapters-2s.mp4', (out) => [
    ...lavfi.video({ duration: 2 }),
    ...lavfi.tone(2),
    '-i',
    srt,
    '-i',
    chapters,
    '-map',
    '0:v',
    '-map',
    '1:a',
    '-map',
    '2:s',
    '-map_metadata',
    '3',
    '-map_chapters',
    '3',
    ...x264,
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-c:s',
    'mov_text',
    '-shortest',
    out,
  ]);
};
