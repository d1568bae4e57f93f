import { loadOnnxRuntime } from '../util/onnx-runtime.js';
import { readFile } from 'node:fs/promises';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { streamAudioPcm } from '../ffmpeg/audio-pcm.js';
import { FramewiseError, throwIfAborted } from '../util/errors.js';
import { sileroModelPath, VAD_CONTEXT, VAD_SAMPLE_RATE, VAD_WINDOW } from './model.js';
import { speechOptionsSchema, speechSegments, type SpeechOptions, type TimeRange } from './segments.js';

type Ort = typeof import('onnxruntime-node');

/**
 * Voice activity detection with Silero VAD on onnxruntime-node (CPU, one thread). One instance runs one stream
 * at a time: the model is recurrent, its state is carried from window to window.
 */
export class VoiceActivityDetector {
  private state = new Float32Array(2 * 128);
  private readonly input = new Float32Array(VAD_CONTEXT + VAD_WINDOW);
  private readonly sr: Tensor;

  private constructor(
    private readonly ort: Ort,
    private readonly session: InferenceSession,
  ) {
    this.sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
  }

  static async create(): Promise<VoiceActivityDetector> {
    const ort = await loadOnnxRuntime();
    const bytes = await readFile(sileroModelPath());
    const session = await ort.InferenceSession.create(bytes, {
      executionProviders: ['cpu'],
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
    return new VoiceActivityDetector(ort, session);
  }

  reset(): void {
    this.state = new Float32Array(2 * 128);
    this.input.fill(0);
  }

  /** Speech probability of the next 512-sample window (16 kHz mono). */
  async window(samples: Float32Array): Promise<number> {
    if (samples.length !== VAD_WINDOW) throw new FramewiseError('internal', `VAD window must be ${VAD_WINDOW} samples`);
    this.input.copyWithin(0, VAD_WINDOW, VAD_WINDOW + VAD_CONTEXT);
    this.input.set(samples, VAD_CONTEXT);
    const feeds = {
      input: new this.ort.Tensor('float32', this.input, [1, this.input.length]),
      state: new this.ort.Tensor('float32', this.state, [2, 1, 128]),
      sr: this.sr,
    };
    const out = await this.session.run(feeds);
    const names = this.session.outputNames;
    this.state = new Float32Array(out[names[1]!]!.data as Float32Array);
    return (out[names[0]!]!.data as Float32Array)[0]!;
  }

  /** Speech probabilities of a whole file's audio stream, one per 32 ms window; streamed, constant memory. */
  async probabilities(
    ffmpeg: Ffmpeg,
    file: string,
    opts: { signal?: AbortSignal; stream?: number; onProgress?: (seconds: number) => void } = {},
  ): Promise<Float32Array> {
    this.reset();
    let probs = new Float32Array(4096);
    let count = 0;
    const pending = new Float32Array(VAD_WINDOW);
    let filled = 0;
    const push = async (p: number) => {
      if (count === probs.length) {
        const grown = new Float32Array(probs.length * 2);
        grown.set(probs);
        probs = grown;
      }
      probs[count++] = p;
    };
    await streamAudioPcm(
      ffmpeg,
      file,
      1,
      async (samples) => {
        let i = 0;
        while (i < samples.length) {
          const n = Math.min(VAD_WINDOW - filled, samples.length - i);
          pending.set(samples.subarray(i, i + n), filled);
          filled += n;
          i += n;
          if (filled === VAD_WINDOW) {
            await push(await this.window(pending));
            filled = 0;
          }
        }
        throwIfAborted(opts.signal);
        opts.onProgress?.((count * VAD_WINDOW) / VAD_SAMPLE_RATE);
      },
      {
        sampleRate: VAD_SAMPLE_RATE,
        channels: 1,
        ...(opts.stream !== undefined ? { stream: opts.stream } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
    );
    if (filled > 0) {
      pending.fill(0, filled);
      await push(await this.window(pending));
    }
    return probs.subarray(0, count);
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}

export const WINDOW_SECONDS = VAD_WINDOW / VAD_SAMPLE_RATE;

export interface SpeechDetection {
  segments: TimeRange[];
  /** Highest speech probability found anywhere (0..1). */
  maxProbability: number;
  /** Seconds of audio analysed. */
  analysed: number;
}

/** Speech segments of a file's audio (one shared entry point for silence removal and anonymization). */
export async function detectSpeech(
  ffmpeg: Ffmpeg,
  file: string,
  options: Partial<SpeechOptions> = {},
  run: { signal?: AbortSignal; stream?: number; duration?: number; onProgress?: (seconds: number) => void } = {},
): Promise<SpeechDetection> {
  const opts = speechOptionsSchema.parse(options);
  const vad = await VoiceActivityDetector.create();
  try {
    const probs = await vad.probabilities(ffmpeg, file, run);
    const analysed = probs.length * WINDOW_SECONDS;
    const duration = run.duration ?? analysed;
    let max = 0;
    for (const p of probs) if (p > max) max = p;
    return { segments: speechSegments(probs, WINDOW_SECONDS, duration, opts), maxProbability: max, analysed };
  } finally {
    await vad.close();
  }
}
