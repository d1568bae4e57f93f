import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { MEDIA_DIR, ffmpegPath, generated } from '../helpers/media.js';

const execFileAsync = promisify(execFile);

export const SPEECH_TEXT = 'The patient is doing well. We will now look at the colon. Please note the small polyp on the left side.';

/** espeak-ng speech (about 6 s) as a WAV file, generated once per run. */
export async function spokenWav(): Promise<string> {
  const out = path.join(MEDIA_DIR, 'espeak-sentence.wav');
  if (!existsSync(out)) {
    mkdirSync(MEDIA_DIR, { recursive: true });
    const tmp = `${out}.tmp-${process.pid}.wav`;
    await execFileAsync('espeak-ng', ['-w', tmp, SPEECH_TEXT]);
    const { rename } = await import('node:fs/promises');
    await rename(tmp, out);
  }
  return out;
}

/** Where the sentence is spoken in `speechOverNoise` (seconds; the sentence lasts about 6 s). */
export const SPEECH_AT = [5, 18];

/**
 * 30 s 320x240 @ 25 fps with steady pink noise (amplitude 0.45 before amix's 1/3: loud enough that every frame is "loud" for a
 * 0.04 threshold) and the spoken sentence at 5 s and 18 s.
 */
export async function speechOverNoise(): Promise<string> {
  const wav = await spokenWav();
  return generated('speech-over-noise-30s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25:duration=30',
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=color=pink:amplitude=0.45:sample_rate=48000:duration=30:seed=7',
    '-i',
    wav,
    '-i',
    wav,
    '-filter_complex',
    // amix scales each input by 1/3 (old ffmpeg has no normalize=0); apad keeps that scale constant.
    `[2:a]aresample=48000,adelay=${SPEECH_AT[0]! * 1000},apad[s1];[3:a]aresample=48000,adelay=${SPEECH_AT[1]! * 1000},apad[s2];[1:a][s1][s2]amix=inputs=3:duration=first[a]`,
    '-map',
    '0:v',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-ac',
    '1',
    '-t',
    '30',
    out,
  ]);
}

/** 12 s: tone 0–3 s, silence 3–7 s, tone 7–12 s (one clear cut), 25 fps. */
export function toneGapTone(): Promise<string> {
  return generated('tone-gap-tone-12s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=320x240:rate=25:duration=12',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=12',
    '-filter_complex',
    "[1:a]volume=enable='between(t,3,7)':volume=0[a]",
    '-map',
    '0:v',
    '-map',
    '[a]',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    out,
  ]);
}

/** Source frames of `vfrToneGap`: 25 fps numbering, every 3rd frame dropped before 6 s. */
export const VFR_SOURCE_FRAMES = Array.from({ length: 300 }, (_, n) => n).filter((n) => !(n < 150 && n % 3 === 2));

/** Stripes that spell a frame's source number in binary (9 bits, bit i = stripe i, white = 1). */
export const FRAME_CODE_BITS = 9;

/** The source frame number each picture of `file` (video or image) spells, in presentation order. */
export async function readFrameCodes(file: string): Promise<number[]> {
  const { stdout: raw } = await execFileAsync(
    await ffmpegPath(),
    ['-v', 'fatal', '-i', file, '-vf', `scale=${FRAME_CODE_BITS}:1:flags=area,format=gray`, '-vsync', 'passthrough', '-f', 'rawvideo', '-'],
    { encoding: 'buffer', maxBuffer: 1 << 24 },
  );
  const codes: number[] = [];
  for (let i = 0; i + FRAME_CODE_BITS <= raw.length; i += FRAME_CODE_BITS) {
    let source = 0;
    for (let b = 0; b < FRAME_CODE_BITS; b++) if (raw[i + b]! > 128) source |= 1 << b;
    codes.push(source);
  }
  return codes;
}

/**
 * 12 s variable-frame-rate clip (frames at n/25 s for `VFR_SOURCE_FRAMES`: 16.7 fps before 6 s, 25 fps after)
 * whose pictures spell their source frame number, so a test can tell exactly which frames an edit kept; audio
 * as `toneGapTone` (tone 0–3 s, silence 3–7 s, tone 7–12 s). 144x16, a second to make.
 */
export function vfrToneGap(): Promise<string> {
  return generated('vfr-code-tone-gap-12s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    `color=c=black:size=144x16:rate=25:duration=12,format=gray,geq=lum='if(gt(bitand(N,pow(2,floor(${FRAME_CODE_BITS}*X/W))),0),235,16)'`,
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=12',
    '-filter_complex',
    "[0:v]select='not(lt(t,6)*eq(mod(n,3),2))',format=yuv420p[v];[1:a]volume=enable='between(t,3,7)':volume=0[a]",
    '-map',
    '[v]',
    '-map',
    '[a]',
    '-vsync',
    'vfr',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '18',
    '-c:a',
    'aac',
    out,
  ]);
}
