import { z } from 'zod';

/** What a preset produces. `remux` copies the streams into another container (no re-encoding). */
export type PresetKind = 'video' | 'audio' | 'remux';

export interface BuiltinPreset {
  name: string;
  description: string;
  kind: PresetKind;
  /** Output file extension (with the dot). */
  ext: string;
  /** ffmpeg encoders this preset needs (checked against the ffmpeg in use before starting). */
  videoEncoder?: string;
  audioEncoder?: string;
  /** Default quality (CRF or the encoder's equivalent); null = the encoder has no CRF. */
  crf?: number | null;
  videoArgs?: (crf: number) => string[];
  audioArgs?: string[];
  /** Extra output arguments (container flags). */
  muxArgs?: string[];
}

export const BUILTIN_PRESETS: readonly BuiltinPreset[] = [
  {
    name: 'mp4-h264',
    description: 'Web: H.264 + AAC in MP4, fast start',
    kind: 'video',
    ext: '.mp4',
    videoEncoder: 'libx264',
    audioEncoder: 'aac',
    crf: 23,
    videoArgs: (crf) => ['-preset', 'medium', '-crf', String(crf)],
    audioArgs: ['-b:a', '160k'],
    muxArgs: ['-movflags', '+faststart'],
  },
  {
    name: 'mp4-hevc',
    description: 'Smaller files: HEVC (H.265) + AAC in MP4',
    kind: 'video',
    ext: '.mp4',
    videoEncoder: 'libx265',
    audioEncoder: 'aac',
    crf: 28,
    videoArgs: (crf) => ['-preset', 'medium', '-crf', String(crf), '-x265-params', 'log-level=error', '-tag:v', 'hvc1'],
    audioArgs: ['-b:a', '160k'],
    muxArgs: ['-movflags', '+faststart'],
  },
  {
    name: 'webm-vp9',
    description: 'Open web format: VP9 + Opus in WebM',
    kind: 'video',
    ext: '.webm',
    videoEncoder: 'libvpx-vp9',
    audioEncoder: 'libopus',
    crf: 32,
    videoArgs: (crf) => ['-crf', String(crf), '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', '2'],
    audioArgs: ['-b:a', '128k'],
  },
  {
    name: 'mov-prores',
    description: 'Editing: ProRes 422 HQ + PCM in QuickTime',
    kind: 'video',
    ext: '.mov',
    videoEncoder: 'prores_ks',
    audioEncoder: 'pcm_s16le',
    crf: null,
    videoArgs: () => ['-profile:v', '3', '-pix_fmt', 'yuv422p10le'],
    audioArgs: [],
  },
  {
    name: 'mp4-intra',
    description: 'All-intra proxy (every frame a keyframe): clip exports by stream copy are frame-accurate',
    kind: 'video',
    ext: '.mp4',
    videoEncoder: 'libx264',
    audioEncoder: 'aac',
    crf: 18,
    videoArgs: (crf) => ['-preset', 'fast', '-crf', String(crf), '-g', '1', '-keyint_min', '1', '-sc_threshold', '0'],
    audioArgs: ['-b:a', '192k'],
    muxArgs: ['-movflags', '+faststart'],
  },
  { name: 'audio-wav', description: 'Audio only: WAV (PCM 16-bit)', kind: 'audio', ext: '.wav', audioEncoder: 'pcm_s16le', audioArgs: [] },
  {
    name: 'audio-mp3',
    description: 'Audio only: MP3 (VBR ~190 kbit/s)',
    kind: 'audio',
    ext: '.mp3',
    audioEncoder: 'libmp3lame',
    audioArgs: ['-q:a', '2'],
  },
  {
    name: 'audio-aac',
    description: 'Audio only: AAC in M4A',
    kind: 'audio',
    ext: '.m4a',
    audioEncoder: 'aac',
    audioArgs: ['-b:a', '192k'],
    muxArgs: ['-movflags', '+faststart'],
  },
  { name: 'audio-flac', description: 'Audio only: FLAC (lossless)', kind: 'audio', ext: '.flac', audioEncoder: 'flac', audioArgs: [] },
  { name: 'remux-mkv', description: 'Change the container to Matroska without re-encoding', kind: 'remux', ext: '.mkv' },
  {
    name: 'remux-mp4',
    description: 'Change the container to MP4 without re-encoding',
    kind: 'remux',
    ext: '.mp4',
    muxArgs: ['-movflags', '+faststart'],
  },
];

/** Options a user may set on any preset (and save as their own preset). */
export const convertOptionsSchema = z
  .object({
    maxWidth: z.number().int().min(16).max(16384).optional(),
    maxHeight: z.number().int().min(16).max(16384).optional(),
    /** Output frame rate, e.g. "25", "30000/1001". */
    fps: z
      .string()
      .regex(/^\d+(\/\d+)?$/)
      .optional(),
    crf: z.number().int().min(0).max(63).optional(),
    audio: z.boolean().default(true),
    /** Metadata keys to remove from the output; "all" removes every tag (chapters too). */
    strip: z.array(z.string().min(1).max(100)).max(100).default([]),
  })
  .strict();
export type ConvertOptions = z.output<typeof convertOptionsSchema>;
export type ConvertOptionsInput = z.input<typeof convertOptionsSchema>;

export const PRESET_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

/** A user's saved preset: a built-in preset plus options. */
export const savedPresetSchema = z
  .object({
    name: z.string().regex(PRESET_NAME, 'lowercase letters, digits, . _ - (up to 63)'),
    base: z.string().min(1),
    description: z.string().max(200).default(''),
    options: convertOptionsSchema.default({ audio: true, strip: [] }),
  })
  .strict();
export type SavedPreset = z.output<typeof savedPresetSchema>;

export function builtinPreset(name: string): BuiltinPreset | undefined {
  return BUILTIN_PRESETS.find((p) => p.name === name);
}

export function encodersOf(p: BuiltinPreset, options: Pick<ConvertOptions, 'audio'>): string[] {
  return [p.kind === 'video' ? p.videoEncoder : undefined, options.audio || p.kind === 'audio' ? p.audioEncoder : undefined].filter(
    (e): e is string => !!e,
  );
}
