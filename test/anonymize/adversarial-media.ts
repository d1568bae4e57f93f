import { generated } from '../helpers/media.js';
import { FONT, endo, endoscopyMask } from './endoscopy-media.js';

/**
 * Adversarial endoscopy-like clips: text burned INTO the endoscope image for part of the video only.
 * 640×360, 25 fps, 10 s, octagonal image at endo.region; the device overlay (outside the image) shows the
 * patient all the time. Inside the image:
 *  - 2.0–3.5 s: "Müller-Weiß, Jürgen" on a dark box (an annotation typed on the processor);
 *  - 5.0–5.5 s: a 0.5 s flash of "Jürgen" in yellow, no box;
 *  - 6.4–8.4 s: "MUELLER" moving across the image;
 *  - 8.6–9.6 s: a SECOND patient's name, "Schmidt, Annabell" (not this patient: must be masked, cannot be matched).
 */
export const adversarial = {
  file: 'adversarial-inside-v1.mp4',
  duration: 10,
  fps: 25,
  events: [
    { what: 'annotation', start: 2.0, end: 3.5 },
    { what: 'flash', start: 5.0, end: 5.5 },
    { what: 'moving', start: 6.4, end: 8.4 },
    { what: 'second patient', start: 8.6, end: 9.6 },
  ],
  /** Strings no export may show (the independent OCR looks for these). */
  forbidden: ['Jürgen', 'Müller', 'Weiß', 'MUELLER', 'Schmidt', 'Annabell', '12.03.1961'],
};

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'").replace(/,/g, '\\,');
}

const draw = (t: string, x: string | number, y: number, size: number, color: string, from: number, to: number, box = false) =>
  `drawtext=fontfile=${FONT}:text='${esc(t)}':x=${x}:y=${y}:fontsize=${size}:fontcolor=${color}` +
  `${box ? ':box=1:boxcolor=black@0.6:boxborderw=4' : ''}:enable='between(t,${from},${to - 0.001})'`;

export async function adversarialVideo(): Promise<string> {
  const mask = await endoscopyMask();
  const rect = endo.region;
  const { fps, duration: D } = adversarial;
  const inside = [
    draw('Müller-Weiß, Jürgen', 340, 170, 22, 'white', 2.0, 3.5, true),
    draw('Jürgen', 420, 250, 18, 'yellow', 5.0, 5.5),
    draw('MUELLER', `340+(t-6.4)*90`, 120, 20, 'white', 6.4, 8.4),
    draw('Schmidt, Annabell', 350, 210, 20, 'white', 8.6, 9.6, true),
  ];
  const overlay = [draw('Müller-Weiß, Jürgen', 12, 30, 22, 'white', 0, 99), draw('*12.03.1961', 12, 80, 22, 'white', 0, 99)];
  return generated(adversarial.file, (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${endo.width}x${endo.height}:r=${fps}:d=${D}`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${rect.width}x${rect.height}:r=${fps}:d=${D}`,
    '-i',
    mask,
    '-filter_complex',
    `[1:v]scale=${rect.width}:${rect.height},hue=s=0.35[scope];[0:v][scope]overlay=${rect.x}:${rect.y}[a];[a][2:v]overlay=${rect.x}:${rect.y}[b];[b]${[...inside, ...overlay].join(',')}[v]`,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    '-pix_fmt',
    'yuv420p',
    '-t',
    String(D),
    out,
  ]);
}
