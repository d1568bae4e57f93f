import { FramewiseError } from '../util/errors.js';
import type { BinaryCapabilities } from './capabilities.js';

/** The parts of an ffmpeg build a feature needs. */
export interface FeatureNeeds {
  encoders?: readonly string[];
  decoders?: readonly string[];
  filters?: readonly string[];
}

/**
 * What each Framewise feature needs from ffmpeg. Add an entry when a feature starts using a new encoder or
 * filter, then ask `ffmpeg.features.require('<feature>')` before starting work (it throws a clear error naming
 * what is missing instead of failing halfway). `core` is what every library needs; a PATH ffmpeg without it
 * is not used.
 */
export const FFMPEG_FEATURES = {
  core: { decoders: ['h264'], encoders: ['mjpeg', 'rawvideo'], filters: ['scale', 'fps', 'format', 'crop', 'select', 'tile'] },
  'anonymize.render': {
    encoders: ['libx264', 'aac'],
    filters: ['drawbox', 'overlay', 'boxblur', 'split', 'concat', 'trim', 'atrim', 'setpts', 'asetpts', 'pad'],
  },
  'anonymize.hevc': {
    encoders: ['libx265', 'aac'],
    filters: ['drawbox', 'overlay', 'boxblur', 'split', 'concat', 'trim', 'atrim', 'setpts', 'asetpts', 'pad'],
  },
  'convert.mp4': { encoders: ['libx264', 'aac'] },
  'convert.webm': { encoders: ['libvpx-vp9', 'libopus'] },
  /** Burning subtitles in needs ffmpeg built with libass (the `subtitles` filter). */
  'subtitles.burnIn': { filters: ['subtitles'] },
  /** Applying a silence/speech lane (core/ffmpeg/cut.ts). */
  'audio.silence': {
    encoders: ['libx264', 'aac'],
    filters: ['select', 'setpts', 'asplit', 'atrim', 'asetpts', 'concat', 'atempo', 'apad', 'aresample'],
  },
  'scenes.detect': { filters: ['select'] },
} as const satisfies Record<string, FeatureNeeds>;

export type FfmpegFeature = keyof typeof FFMPEG_FEATURES;
export const ffmpegFeatureNames = Object.keys(FFMPEG_FEATURES) as FfmpegFeature[];

export interface FeatureStatus {
  available: boolean;
  /** What is missing, e.g. `filter subtitles`, `encoder libvpx-vp9`. */
  missing: string[];
}

/** The typed question "is encoder X / decoder Y / filter Z / feature F available" for one ffmpeg. */
export class FfmpegFeatures {
  private readonly encoders: ReadonlySet<string>;
  private readonly decoders: ReadonlySet<string>;
  private readonly filters: ReadonlySet<string>;

  constructor(
    caps: Pick<BinaryCapabilities, 'encoders' | 'decoders' | 'filters'>,
    private readonly binary = 'ffmpeg',
  ) {
    this.encoders = new Set(caps.encoders);
    this.decoders = new Set(caps.decoders);
    this.filters = new Set(caps.filters);
  }

  hasEncoder(name: string): boolean {
    return this.encoders.has(name);
  }

  hasDecoder(name: string): boolean {
    return this.decoders.has(name);
  }

  hasFilter(name: string): boolean {
    return this.filters.has(name);
  }

  /** Whether the parts `needs` lists are all there (for one-off checks not worth a named feature). */
  check(needs: FeatureNeeds): FeatureStatus {
    const missing = [
      ...(needs.encoders ?? []).filter((n) => !this.hasEncoder(n)).map((n) => `encoder ${n}`),
      ...(needs.decoders ?? []).filter((n) => !this.hasDecoder(n)).map((n) => `decoder ${n}`),
      ...(needs.filters ?? []).filter((n) => !this.hasFilter(n)).map((n) => `filter ${n}`),
    ];
    return { available: missing.length === 0, missing };
  }

  status(feature: FfmpegFeature): FeatureStatus {
    return this.check(FFMPEG_FEATURES[feature]);
  }

  /** Every feature with its status: what `framewise status` and the Settings screen show. */
  all(): Record<FfmpegFeature, FeatureStatus> {
    return Object.fromEntries(ffmpegFeatureNames.map((f) => [f, this.status(f)])) as Record<FfmpegFeature, FeatureStatus>;
  }

  /** Throw `ffmpeg_feature_missing` naming the feature and the missing parts, before any work starts. */
  require(feature: FfmpegFeature): void {
    const s = this.status(feature);
    if (s.available) return;
    throw new FramewiseError(
      'ffmpeg_feature_missing',
      `${feature} is disabled: the ffmpeg in use (${this.binary}) lacks ${s.missing.join(', ')}. Install ffmpeg 5.1 or newer, or set FRAMEWISE_FFMPEG to a build that has it.`,
      { feature, missing: s.missing },
    );
  }
}
