import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { MEDIA_DIR, generated } from '../helpers/media.js';
import type { EndoscopeRegion, PatientFields, Rect } from '../../core/anonymize/types.js';

/**
 * An endoscopy-like recording: an octagonal moving image on black, patient overlays burned in outside it
 * (name with umlauts, dates), a name stamped INSIDE the image, an inserted "outside" scene (colour bars),
 * an audio track, a subtitle track and container/stream tags carrying the name.
 */
export const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export const endo = {
  width: 640,
  height: 360,
  fps: 25,
  duration: 12,
  region: { x: 300, y: 20, width: 320, height: 320, shape: 'octagon', cornerCut: 0.2 } as EndoscopeRegion,
  /** Frames of the inserted outside scene, half-open. */
  outside: { startFrame: 125, endFrame: 175 },
  /** The name stamped inside the endoscope image (must be masked by a text box). */
  insideBox: { x: 380, y: 160, width: 110, height: 34 } as Rect,
  patient: {
    first_name: 'Jürgen',
    last_name: 'Müller-Weiß',
    dob: '1961-03-12',
    examination_date: '2024-11-05',
    casenumber: null,
    other: [],
    verified: true,
    pseudonym: null,
  } as PatientFields,
};

/** Tokens a reader would recognise (what the independent OCR in the tests looks for). */
export const patientStrings = ['Jürgen', 'Müller', 'Weiß', '12.03.1961', '05.11.2024'];

function esc(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/:/g, '\\:').replace(/'/g, "\\'").replace(/,/g, '\\,');
}

export async function endoscopyMask(): Promise<string> {
  const rect = endo.region;
  const c = Math.round(0.2 * Math.min(rect.width, rect.height));
  const inside = `gte(X+Y,${c})*gte(${rect.width - 1}-X+Y,${c})*gte(X+${rect.height - 1}-Y,${c})*gte(${rect.width - 1}-X+${rect.height - 1}-Y,${c})`;
  return generated(`endo-octagon-${rect.width}x${rect.height}.png`, (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${rect.width}x${rect.height},format=rgba,geq=r=0:g=0:b=0:a='255*(1-${inside})'`,
    '-frames:v',
    '1',
    '-f',
    'image2',
    '-c:v',
    'png',
    out,
  ]);
}

/**
 * What `endoscopyVideo({ previewExtras: true })` adds (test/library/preview-mask.test.ts): a name drawn INSIDE the
 * image for frames [40, 70) only (between OCR's samples at 3 s and 9 s, so OCR does not find it; a time-ranged
 * mask must hide it), and overlay text in the top-left CORNER of the image's bounding rectangle, outside the
 * octagon (only the shape hides it).
 */
export const previewExtras = {
  timed: { text: 'Jürgen', x: 430, y: 250, startFrame: 40, endFrame: 70 },
  /** The glyphs of the timed name (20 px DejaVu Sans with a box). */
  timedGlyphs: { x: 432, y: 252, width: 60, height: 18 } as Rect,
  /** A mask over the timed name with a margin, as a reviewer draws it on the timeline's mask lane. */
  timedMask: { x: 420, y: 240, width: 90, height: 44 } as Rect,
  corner: { text: 'Weiß', x: 303, y: 22 },
  /** The corner text's glyphs (12 px): X+Y inside the region's rectangle stays under 50 (the octagon starts at 64). */
  cornerGlyphs: { x: 303, y: 22, width: 28, height: 13 } as Rect,
};

export async function endoscopyVideo(opts: { previewExtras?: boolean } = {}): Promise<string> {
  const mask = await endoscopyMask();
  const srt = path.join(MEDIA_DIR, 'endo-subs.srt');
  writeFileSync(srt, '1\n00:00:00,000 --> 00:00:10,000\nPatient Jürgen Müller-Weiß\n');
  const { width: W, height: H, fps, duration: D } = endo;
  const rect = endo.region;
  const text = (t: string, x: number, y: number, size = 22, box = false) =>
    `drawtext=fontfile=${FONT}:text='${esc(t)}':x=${x}:y=${y}:fontsize=${size}:fontcolor=white${box ? ':box=1:boxcolor=black@0.7:boxborderw=4' : ''}`;
  const graph = [
    `[1:v]scale=${rect.width}:${rect.height}[scope]`,
    `[0:v][scope]overlay=${rect.x}:${rect.y}[a]`,
    `[a][4:v]overlay=${rect.x}:${rect.y}[b]`,
    `[b][2:v]overlay=0:0:enable='gte(n,${endo.outside.startFrame})*lt(n,${endo.outside.endFrame})'[c]`,
    `[c]${[
      text('Müller-Weiß, Jürgen', 12, 30),
      text('*12.03.1961', 12, 80),
      text('05.11.2024', 12, 130),
      text('Müller', endo.insideBox.x + 10, endo.insideBox.y + 6, 20, true),
      ...(opts.previewExtras
        ? [
            `${text(previewExtras.timed.text, previewExtras.timed.x, previewExtras.timed.y, 20, true)}:enable='between(n,${previewExtras.timed.startFrame},${previewExtras.timed.endFrame - 1})'`,
            text(previewExtras.corner.text, previewExtras.corner.x, previewExtras.corner.y, 12),
          ]
        : []),
    ].join(',')}[v]`,
  ].join(';');
  return generated(opts.previewExtras ? 'endoscopy-like-v2-preview-extras.mp4' : 'endoscopy-like-v2.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${W}x${H}:r=${fps}:d=${D}`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${rect.width}x${rect.height}:r=${fps}:d=${D}`,
    '-f',
    'lavfi',
    '-i',
    `smptebars=s=${W}x${H}:r=${fps}:d=${D}`,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=440:sample_rate=48000:duration=${D}`,
    '-i',
    mask,
    '-i',
    srt,
    '-filter_complex',
    graph,
    '-map',
    '[v]',
    '-map',
    '3:a',
    '-map',
    '5:s',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    '-pix_fmt',
    'yuv420p',
    '-g',
    '25',
    '-c:a',
    'aac',
    '-c:s',
    'mov_text',
    '-metadata',
    'title=Müller-Weiß, Jürgen',
    '-metadata',
    'comment=DOB 12.03.1961',
    '-metadata:s:v:0',
    'title=Jürgen Müller-Weiß',
    '-t',
    String(D),
    out,
  ]);
}

/** A 1080p endoscopy-like recording for the benchmark (octagon image, overlays), no audio. */
export const endo1080 = {
  region: { x: 560, y: 0, width: 1340, height: 1080, shape: 'octagon', cornerCut: 0.2 } as EndoscopeRegion,
  boxes: [
    { x: 30, y: 30, width: 420, height: 40 },
    { x: 30, y: 100, width: 300, height: 40 },
    { x: 30, y: 170, width: 300, height: 40 },
    { x: 900, y: 60, width: 260, height: 50 },
  ] as Rect[],
};

export async function endoscopyVideo1080(duration = 60): Promise<string> {
  const rect = endo1080.region;
  const c = Math.round(0.2 * Math.min(rect.width, rect.height));
  const inside = `gte(X+Y,${c})*gte(${rect.width - 1}-X+Y,${c})*gte(X+${rect.height - 1}-Y,${c})*gte(${rect.width - 1}-X+${rect.height - 1}-Y,${c})`;
  const mask = await generated(`endo-octagon-${rect.width}x${rect.height}.png`, (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=${rect.width}x${rect.height},format=rgba,geq=r=0:g=0:b=0:a='255*(1-${inside})'`,
    '-frames:v',
    '1',
    '-f',
    'image2',
    '-c:v',
    'png',
    out,
  ]);
  const text = (t: string, x: number, y: number) => `drawtext=fontfile=${FONT}:text='${esc(t)}':x=${x}:y=${y}:fontsize=32:fontcolor=white`;
  return generated(`endoscopy-1080p-${duration}s.mp4`, (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=black:s=1920x1080:r=30:d=${duration}`,
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${rect.width}x${rect.height}:r=30:d=${duration}`,
    '-i',
    mask,
    '-filter_complex',
    `[0:v][1:v]overlay=${rect.x}:${rect.y}[a];[a][2:v]overlay=${rect.x}:${rect.y}[b];[b]${[
      text('Müller-Weiß, Jürgen', 36, 34),
      text('*12.03.1961', 36, 104),
      text('05.11.2024', 36, 174),
      text('Müller', 910, 66),
    ].join(',')}[v]`,
    '-map',
    '[v]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '20',
    '-pix_fmt',
    'yuv420p',
    '-t',
    String(duration),
    out,
  ]);
}
