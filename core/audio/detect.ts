import type { Ffmpeg, MediaInfo } from '../ffmpeg/index.js';
import { streamAudioPcm } from '../ffmpeg/audio-pcm.js';
import { detectSpeech } from '../speech/vad.js';
import { speechOptionsSchema, type SpeechOptions } from '../speech/segments.js';
import { bestFrameCount } from '../library/videos.js';
import { FramewiseError } from '../util/errors.js';
import type { Fraction } from '../util/fraction.js';
import { loudTicks, runsOf, TickPeakMeter, type LoudnessOptions } from './loudness.js';

export type DetectMethod = 'loudness' | 'speech';

export interface FrameRange {
  startFrame: number;
  endFrame: number;
  start: number;
  end: number;
}

export interface SilenceResult {
  method: DetectMethod;
  fps: Fraction;
  frameCount: number;
  duration: number;
  /** Parts to remove (silence, or everything that is not speech). */
  silences: FrameRange[];
  /** Parts to keep (loud parts with margins, or speech with margins). */
  keep: FrameRange[];
  keptDuration: number;
  /** Speech segments as found (speech method only), before margins. */
  speech?: FrameRange[];
}

/** Audio-only files are ticked at 30 per second, like auto-editor. */
const AUDIO_ONLY_FPS: Fraction = { num: 30, den: 1 };

export function gridOf(info: MediaInfo): { fps: Fraction; frameCount: number } {
  const fps = info.video && info.fps && info.fps.num > 0 ? info.fps : AUDIO_ONLY_FPS;
  const estimate = info.video ? info.frameCountEstimate || null : null;
  const frameCount = bestFrameCount({ frame_count: null, frame_count_estimate: estimate, duration: info.duration }, fps, 1);
  return { fps, frameCount };
}

export const frameRange = (startFrame: number, endFrame: number, fps: Fraction): FrameRange => ({
  startFrame,
  endFrame,
  start: (startFrame * fps.den) / fps.num,
  end: (endFrame * fps.den) / fps.num,
});

function flagsToResult(method: DetectMethod, flags: boolean[], fps: Fraction, frameCount: number, duration: number): SilenceResult {
  const f = flags.slice(0, frameCount);
  while (f.length < frameCount) f.push(false);
  const keep = runsOf(f, true).map((r) => frameRange(r.start, r.end, fps));
  const silences = runsOf(f, false).map((r) => frameRange(r.start, r.end, fps));
  const keptFrames = keep.reduce((a, r) => a + r.endFrame - r.startFrame, 0);
  return { method, fps, frameCount, duration, silences, keep, keptDuration: (keptFrames * fps.den) / fps.num };
}

export function requireAudio(info: MediaInfo, file: string): void {
  if (!info.streams.some((s) => s.type === 'audio'))
    throw new FramewiseError('no_audio_stream', `${file} has no audio stream, so silence and speech cannot be detected`);
}

interface RunOpts {
  signal?: AbortSignal;
  /** The library's frame grid for this video (default: from the probe). */
  grid?: { fps: Fraction; frameCount: number };
  /** Fraction 0..1 of the file analysed. */
  onProgress?: (fraction: number) => void;
}

/** auto-editor's loudness method on the first audio stream, ticks = the video's frames. */
export async function detectByLoudness(
  ffmpeg: Ffmpeg,
  file: string,
  info: MediaInfo,
  opts: LoudnessOptions,
  run: RunOpts = {},
): Promise<SilenceResult> {
  requireAudio(info, file);
  const { fps, frameCount } = run.grid ?? gridOf(info);
  const audio = info.streams.find((s) => s.type === 'audio')!;
  const sampleRate = audio.sampleRate ?? 48000;
  const channels = audio.channels ?? 2;
  const meter = new TickPeakMeter(sampleRate, fps.num / fps.den, channels);
  await streamAudioPcm(ffmpeg, file, channels, (s) => meter.push(s), {
    sampleRate,
    channels,
    ...(run.signal ? { signal: run.signal } : {}),
    onProgress: (p) => info.duration > 0 && run.onProgress?.(Math.min(1, p.outTime / info.duration)),
  });
  const flags = loudTicks(meter.peaks, fps.num / fps.den, opts);
  return flagsToResult('loudness', flags, fps, frameCount, info.duration);
}

export interface SpeechDetectOptions extends Partial<SpeechOptions> {
  /** Seconds kept before and after each speech segment. */
  margin: number;
  /** Non-speech gaps shorter than this (seconds) are kept. */
  minCut: number;
}

/** Speech (Silero VAD) → keep speech with margins; everything else is "silence" for removal. */
export async function detectBySpeech(
  ffmpeg: Ffmpeg,
  file: string,
  info: MediaInfo,
  opts: SpeechDetectOptions,
  run: RunOpts = {},
): Promise<SilenceResult> {
  requireAudio(info, file);
  const { fps, frameCount } = run.grid ?? gridOf(info);
  const speechOpts = speechOptionsSchema.parse(opts);
  const found = await detectSpeech(ffmpeg, file, speechOpts, {
    ...(run.signal ? { signal: run.signal } : {}),
    duration: info.duration,
    onProgress: (s) => info.duration > 0 && run.onProgress?.(Math.min(1, s / info.duration)),
  });
  const rate = fps.num / fps.den;
  const flags = new Array<boolean>(frameCount).fill(false);
  const speech: FrameRange[] = [];
  for (const seg of found.segments) {
    const a = Math.max(0, Math.floor(seg.start * rate));
    const b = Math.min(frameCount, Math.ceil(seg.end * rate));
    if (b > a) speech.push(frameRange(a, b, fps));
    const ma = Math.max(0, Math.floor((seg.start - opts.margin) * rate));
    const mb = Math.min(frameCount, Math.ceil((seg.end + opts.margin) * rate));
    for (let i = ma; i < mb; i++) flags[i] = true;
  }
  // Short gaps between kept parts stay (a cut there would only clip breath).
  const minCut = Math.round(opts.minCut * rate);
  for (const gap of runsOf(flags, false))
    if (gap.start > 0 && gap.end < frameCount && gap.end - gap.start < minCut) flags.fill(true, gap.start, gap.end);
  return { ...flagsToResult('speech', flags, fps, frameCount, info.duration), speech };
}
