import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { promisify } from 'node:util';
import { resolveFfmpegTools } from '../../core/ffmpeg/binaries.js';

const execFileAsync = promisify(execFile);

/** A folder for generated media shared by the tests of one run (generation is cached by name). */
export const MEDIA_DIR = process.env.FRAMEWISE_TEST_MEDIA ?? path.join(os.tmpdir(), `framewise-test-media-${process.getuid?.() ?? 0}`);

export async function ffmpegPath(): Promise<string> {
  return (await resolveFfmpegTools()).ffmpeg.path;
}

export async function ffprobePath(): Promise<string> {
  return (await resolveFfmpegTools()).ffprobe.path;
}

/** Run ffmpeg with the given args (test data generation only). */
export async function ffmpeg(args: string[]): Promise<void> {
  await execFileAsync(await ffmpegPath(), ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], { maxBuffer: 64 << 20 });
}

const pending = new Map<string, Promise<string>>();

/** Generate (once per run) a file named `name` in MEDIA_DIR with the given ffmpeg output args. */
export function generated(name: string, args: (out: string) => string[]): Promise<string> {
  const out = path.join(MEDIA_DIR, name);
  let p = pending.get(out);
  if (!p) {
    p = (async () => {
      mkdirSync(MEDIA_DIR, { recursive: true });
      if (!existsSync(out)) {
        const tmp = out + `.tmp-${process.pid}${path.extname(out)}`;
        await ffmpeg(args(tmp));
        const { rename } = await import('node:fs/promises');
        await rename(tmp, out);
      }
      return out;
    })();
    pending.set(out, p);
  }
  return p;
}

/** Standard synthetic sources. */
export const lavfi = {
  video: (opts: { size?: string; rate?: string; duration: number; pattern?: string }) => [
    '-f',
    'lavfi',
    '-i',
    `${opts.pattern ?? 'testsrc2'}=size=${opts.size ?? '320x240'}:rate=${opts.rate ?? '25'}:duration=${opts.duration}`,
  ],
  tone: (duration: number, freq = 440) => ['-f', 'lavfi', '-i', `sine=frequency=${freq}:sample_rate=48000:duration=${duration}`],
};

/** The usual test encoding of a picture and a tone: quick H.264 (4:2:0) and AAC, ending with the shorter input. */
export const h264AacArgs = ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'];

export const media = {
  /** 20 s of 640x360 H.264 without audio: a VP9 conversion of it runs long enough to be stopped mid-way. */
  slowToConvert: () =>
    generated('cancel-src-20s.mp4', (o) => [
      ...lavfi.video({ duration: 20, size: '640x360' }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      o,
    ]),
  /** H.264 + AAC in MP4, 320x240 @ 25 fps. */
  mp4: (duration = 4, name = `h264-aac-${duration}s.mp4`) =>
    generated(name, (out) => [...lavfi.video({ duration }), ...lavfi.tone(duration), ...h264AacArgs, out]),
  /**
   * H.264 in MP4 with a keyframe every second (25 fps) and a timeline starting at 0.5 s: a seek that forgets the
   * file's start time lands on the keyframe before the one it wants.
   */
  h264StartingLate: (duration: number, size?: string) =>
    generated(`h264-gop25-${duration}s${size ? `-${size}` : ''}-start-0.5s.mp4`, (out) => [
      ...lavfi.video(size ? { duration, size } : { duration }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-g',
      '25',
      '-output_ts_offset',
      '0.5',
      out,
    ]),
  mkvVp9Opus: (duration = 3) =>
    generated(`vp9-opus-${duration}s.mkv`, (out) => [
      ...lavfi.video({ duration, rate: '30000/1001' }),
      ...lavfi.tone(duration),
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-cpu-used',
      '8',
      '-b:v',
      '300k',
      '-c:a',
      'libopus',
      '-shortest',
      out,
    ]),
  mov: (duration = 2) =>
    generated(`prores-like-${duration}s.mov`, (out) => [...lavfi.video({ duration, rate: '24' }), '-c:v', 'mpeg4', '-q:v', '5', out]),
  webm: (duration = 2) =>
    generated(`vp8-${duration}s.webm`, (out) => [
      ...lavfi.video({ duration, rate: '30' }),
      '-c:v',
      'libvpx',
      '-deadline',
      'realtime',
      '-b:v',
      '300k',
      out,
    ]),
  /** 320x240 stored, displayed rotated 90° (phone video): the rotation is set while remuxing. */
  rotated: async () => {
    const base = await media.mp4(2, 'rotate-source.mp4');
    return generated('rotated-90.mp4', (out) => ['-i', base, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', out]);
  },
  /** Variable frame rate: 1 s at 30 fps then `duration` − 1 s at 10 fps (nominal rate 30). */
  vfr: (duration = 2) =>
    generated(duration === 2 ? 'vfr.mkv' : `vfr-30-then-10fps-${duration}s.mkv`, (out) => [
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=320x240:rate=30:duration=${duration}`,
      '-vf',
      "select='lt(t,1)+gte(t,1)*not(mod(n,3))',setpts=PTS",
      '-vsync',
      'vfr',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      out,
    ]),
  audioOnly: () => generated('audio-only.m4a', (out) => [...lavfi.tone(2), '-c:a', 'aac', out]),
  /** A long-ish 1080p video for cancel/progress tests (encoded fast, slow to decode). */
  long1080: (duration = 60) =>
    generated(`long-1080p-${duration}s.mp4`, (out) => [
      ...lavfi.video({ duration, size: '1920x1080', rate: '30' }),
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '30',
      '-pix_fmt',
      'yuv420p',
      out,
    ]),
  /** A large, hard-to-compress 1080p file (≈300 MB) for throughput benchmarks. */
  large1080: () =>
    generated('large-1080p-noise.mp4', (out) => [
      '-f',
      'lavfi',
      '-i',
      'testsrc2=size=1920x1080:rate=30:duration=60,noise=alls=25:allf=t',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-b:v',
      '40M',
      '-maxrate',
      '40M',
      '-bufsize',
      '80M',
      '-pix_fmt',
      'yuv420p',
      out,
    ]),
};

/** 20 s of testsrc2 at 320×240/25 fps with one keyframe every 250 frames (long GOPs: seeks and damage land mid-GOP). */
export function keyint250Clip(): Promise<string> {
  return generated('keyint-250-20s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25:duration=20',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '250',
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    out,
  ]);
}

/** The first frame of a lavfi `source` (filters included) of `width`×`height`, as packed RGB. */
export async function lavfiFrameRgb(
  source: string,
  width: number,
  height: number,
): Promise<{ width: number; height: number; data: Uint8Array }> {
  const { stdout } = await execFileAsync(
    await ffmpegPath(),
    ['-v', 'error', '-f', 'lavfi', '-i', source, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { encoding: 'buffer', maxBuffer: width * height * 3 + 1024 },
  );
  return { width, height, data: new Uint8Array(stdout) };
}

/** One 1920×1080 RGB frame on the orange ground of the reader's recall fixtures (0xe4a063) with lavfi `filters` drawn on it. */
export const orangeFrame1080 = (filters: string) => lavfiFrameRgb(`color=0xe4a063:s=1920x1080:d=0.04,${filters}`, 1920, 1080);
