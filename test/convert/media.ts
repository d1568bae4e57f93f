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
