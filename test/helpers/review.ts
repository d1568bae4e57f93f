import { generated } from './media.js';

/** A 2-hour 25 fps video with tiny frames (encodes in about 10 s): the timeline's long-video case. */
export const twoHourVideo = () =>
  generated('review-2h-64x48.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=64x48:rate=25:duration=7200',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '40',
    '-g',
    '250',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);

export const BIG_LABELS = ['outside', 'tool', 'blood', 'smoke', 'dark', 'blur'];

/** `count` segments over 6 labels spread across a 2-hour 25 fps video, as an import CSV (frames). */
export function manySegmentsCsv(count = 2000): string {
  const lines = ['label,start_frame,end_frame'];
  const total = 7200 * 25;
  const perLane = Math.ceil(count / BIG_LABELS.length);
  const slot = Math.floor(total / perLane);
  for (let i = 0; i < count; i++) {
    const label = BIG_LABELS[i % BIG_LABELS.length]!;
    const k = Math.floor(i / BIG_LABELS.length);
    const start = k * slot + ((i * 37) % Math.max(1, slot - 200));
    lines.push(`${label},${start},${start + 50 + ((i * 13) % 150)}`);
  }
  return lines.join('\n') + '\n';
}
