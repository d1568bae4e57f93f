import { generated } from './media.js';

const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

/**
 * Footage for near-duplicate tests: a 12 s original (640×360, 25 fps; three different moving sources), copies
 * of it changed the ways a library meets them, and different footage.
 */
export const similarMedia = {
  original: () =>
    generated('similar-original.mp4', (out) => [
      '-filter_complex',
      'testsrc2=s=640x360:r=25:d=4[a];mandelbrot=s=640x360:r=25,trim=duration=4[b];' +
        'life=s=640x360:r=25:mold=10:ratio=0.1:seed=1:life_color=#00ff00:death_color=#c83232,trim=duration=4[c];' +
        '[a][b][c]concat=n=3:v=1:a=0[v]',
      '-map',
      '[v]',
      ...x264,
      '-crf',
      '18',
      out,
    ]),
  /** The original changed: `filter` is a -vf chain (or null), `extra` more output options. */
  variant: async (name: string, filter: string | null, extra: string[] = [], inputExtra: string[] = []) => {
    const src = await similarMedia.original();
    return generated(`similar-${name}.mp4`, (out) => [
      ...inputExtra,
      '-i',
      src,
      ...(filter ? ['-vf', filter] : []),
      ...x264,
      ...extra,
      out,
    ]);
  },
  different: () =>
    generated('similar-different.mp4', (out) => [
      '-filter_complex',
      'gradients=s=640x360:r=25:seed=7:speed=0.05,trim=duration=6[a];' +
        'life=s=640x360:r=25:mold=10:ratio=0.3:seed=42,trim=duration=6[b];[a][b]concat=n=2:v=1:a=0[v]',
      '-map',
      '[v]',
      ...x264,
      out,
    ]),
};

/** The changed copies the issue names: all must be found. */
export const VARIANTS: Array<{ name: string; filter: string | null; extra?: string[]; inputExtra?: string[] }> = [
  { name: 'crf40', filter: null, extra: ['-crf', '40'] },
  { name: '720p', filter: 'scale=1280:720', extra: ['-crf', '23'] },
  { name: 'crop5', filter: 'crop=trunc(iw*0.95/2)*2:trunc(ih*0.95/2)*2', extra: ['-crf', '23'] },
  { name: 'bright10', filter: 'eq=brightness=0.1', extra: ['-crf', '23'] },
  { name: 'trim2s', filter: null, extra: ['-crf', '23'], inputExtra: ['-ss', '2'] },
];

/** Four solid-colour scenes of 2 s (25 fps): red, blue, dark red, green — for embedding neighbours. */
export const colourScenes = () =>
  generated('similar-colours.mp4', (out) => [
    '-filter_complex',
    'color=c=red:s=64x48:r=25:d=2[a];color=c=blue:s=64x48:r=25:d=2[b];color=c=0x800000:s=64x48:r=25:d=2[c];' +
      'color=c=green:s=64x48:r=25:d=2[d];[a][b][c][d]concat=n=4:v=1:a=0[v]',
    '-map',
    '[v]',
    ...x264,
    out,
  ]);

/** A longer clip (90 s, 1280×720) to cancel fingerprinting in the middle. */
export const longerFootage = () =>
  generated('similar-longer-90s.mp4', (out) => ['-f', 'lavfi', '-i', 'testsrc2=s=1280x720:r=30:d=90', ...x264, out]);
