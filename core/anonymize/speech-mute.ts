/**
 * Audio mode "keep ambient sound, mute speech" (issue 10 item 7). Speech is found by the shared Silero VAD
 * module (`core/speech/`), widened by a margin so a word's edges are muted too, muted in the source timeline
 * before any cut, and the rendered output is checked again: any speech left fails verification.
 */
import type { Ffmpeg } from '../ffmpeg/index.js';
import { detectSpeech } from '../speech/vad.js';
import { widenRanges, type TimeRange } from '../speech/segments.js';
import type { VerificationFinding } from './verify.js';

/** Seconds muted before and after each detected speech segment. */
export const SPEECH_MUTE_MARGIN = 0.3;
/** Speech probability above which a segment left in the output fails verification. */
export const SPEECH_VERIFY_THRESHOLD = 0.5;

export async function speechToMute(
  ffmpeg: Ffmpeg,
  file: string,
  duration: number,
  opts: { signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<TimeRange[]> {
  // A lower start threshold than the verification's: muting errs on the side of muting.
  const found = await detectSpeech(
    ffmpeg,
    file,
    { threshold: 0.35, minSpeech: 0.1 },
    {
      duration,
      ...(opts.signal ? { signal: opts.signal } : {}),
      onProgress: (s) => duration > 0 && opts.onProgress?.(Math.min(1, s / duration)),
    },
  );
  return widenRanges(found.segments, SPEECH_MUTE_MARGIN, duration).map((r) => ({
    start: Number(r.start.toFixed(6)),
    end: Number(r.end.toFixed(6)),
  }));
}

export { speechMuteFilter } from '../ffmpeg/anonymize-render.js';

/** Findings for every speech segment still audible in the output. */
export async function verifySpeechMuted(ffmpeg: Ffmpeg, file: string, signal?: AbortSignal): Promise<VerificationFinding[]> {
  const found = await detectSpeech(ffmpeg, file, { threshold: SPEECH_VERIFY_THRESHOLD }, signal ? { signal } : {});
  return found.segments.map((s) => ({
    check: 'speech' as const,
    message: `Speech is still audible in the output at ${s.start.toFixed(2)}–${s.end.toFixed(2)} s`,
    time: s.start,
  }));
}
