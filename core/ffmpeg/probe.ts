import { z } from 'zod';
import { FramewiseError } from '../util/errors.js';
import { parseFraction, type Fraction, fractionToNumber } from '../util/fraction.js';
import { runProcess } from './process.js';

const rawStream = z
  .object({
    index: z.number(),
    codec_type: z.string().optional(),
    codec_name: z.string().optional(),
    codec_long_name: z.string().optional(),
    profile: z.string().optional(),
    width: z.number().optional(),
    height: z.number().optional(),
    pix_fmt: z.string().optional(),
    avg_frame_rate: z.string().optional(),
    r_frame_rate: z.string().optional(),
    time_base: z.string().optional(),
    start_time: z.string().optional(),
    duration: z.string().optional(),
    nb_frames: z.string().optional(),
    bit_rate: z.string().optional(),
    sample_rate: z.string().optional(),
    channels: z.number().optional(),
    channel_layout: z.string().optional(),
    disposition: z.record(z.string(), z.number()).optional(),
    tags: z.record(z.string(), z.string()).optional(),
    side_data_list: z.array(z.record(z.string(), z.unknown())).optional(),
  })
  .loose();

const rawProbe = z.object({
  streams: z.array(rawStream).default([]),
  format: z
    .object({
      format_name: z.string().optional(),
      format_long_name: z.string().optional(),
      duration: z.string().optional(),
      start_time: z.string().optional(),
      size: z.string().optional(),
      bit_rate: z.string().optional(),
      nb_streams: z.number().optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .loose()
    .optional(),
});

export interface StreamInfo {
  index: number;
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';
  codec: string | null;
  codecLongName: string | null;
  language: string | null;
  tags: Record<string, string>;
  /** audio only */
  channels?: number;
  sampleRate?: number;
  channelLayout?: string;
}

export interface VideoStreamInfo extends StreamInfo {
  type: 'video';
  width: number;
  height: number;
  /** Size as displayed, after applying rotation. */
  displayWidth: number;
  displayHeight: number;
  /** Clockwise display rotation in degrees: 0, 90, 180 or 270. */
  rotation: number;
  pixelFormat: string | null;
  profile: string | null;
  avgFrameRate: Fraction | null;
  rFrameRate: Fraction | null;
  timeBase: Fraction | null;
  bitRate: number | null;
  /** Colour tags and sample aspect ratio (what a conversion keeps), read in the same ffprobe call. */
  colour?: ColourFacts;
}

/** A video stream's colour range/space/primaries/transfer (null = not tagged) and sample aspect ratio. */
export interface ColourFacts {
  range: string | null;
  space: string | null;
  primaries: string | null;
  transfer: string | null;
  /** Sample (pixel) aspect ratio as a number (1 = square pixels). */
  sar: number;
}

/** ColourFacts from ffprobe's stream fields (`color_range`, …, `sample_aspect_ratio`). Pure. */
export function colourFacts(s: Record<string, unknown>): ColourFacts {
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const known = (v: unknown) => {
    const t = text(v);
    return t && t !== 'unknown' && t !== 'reserved' ? t : null;
  };
  const m = /^(\d+):(\d+)$/.exec(text(s.sample_aspect_ratio) ?? '');
  const sar = m && Number(m[1]) > 0 && Number(m[2]) > 0 ? Number(m[1]) / Number(m[2]) : 1;
  return {
    range: known(s.color_range),
    space: known(s.color_space),
    primaries: known(s.color_primaries),
    transfer: known(s.color_transfer),
    sar,
  };
}

export interface MediaInfo {
  formatName: string;
  formatLongName: string | null;
  /** Seconds. */
  duration: number;
  size: number | null;
  bitRate: number | null;
  tags: Record<string, string>;
  video: VideoStreamInfo | null;
  /** The fps used for frame numbering: avg_frame_rate when valid, else r_frame_rate. */
  fps: Fraction | null;
  variableFrameRate: boolean;
  frameCountEstimate: number | null;
  streams: StreamInfo[];
  /**
   * Seconds from the start of the file's timeline to the video stream's first frame (0 when the picture starts
   * with the file). A player's clock runs on the file's timeline, so frame n shows at videoStart + n / fps.
   */
  videoStart?: number;
  /**
   * The file's start time (ffprobe's format start_time) when it is not 0: what ffmpeg adds to an input's `-ss`
   * (`readKeyframesAndTail` adds it itself when it reads without `find_stream_info`). Absent when 0 or unknown.
   */
  fileStart?: number;
}

function num(s: string | undefined): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}

function rotationOf(s: z.infer<typeof rawStream>): number {
  let deg = 0;
  for (const sd of s.side_data_list ?? []) {
    if (typeof sd.rotation === 'number') deg = sd.rotation;
    else if (typeof sd.rotation === 'string' && Number.isFinite(Number(sd.rotation))) deg = Number(sd.rotation);
  }
  if (!deg && s.tags?.rotate) deg = -Number(s.tags.rotate); // legacy tag is clockwise; side data is counter-clockwise
  // Side data rotation is counter-clockwise; convert to clockwise 0..359.
  const cw = (((-deg % 360) + 360) % 360) as number;
  return Math.round(cw / 90) * 90 === 360 ? 0 : Math.round(cw / 90) * 90;
}

function streamType(t: string | undefined): StreamInfo['type'] {
  if (t === 'video' || t === 'audio' || t === 'subtitle' || t === 'data' || t === 'attachment') return t;
  return 'unknown';
}

function videoStartOf(stream: number | null, file: number | null): number {
  if (stream === null) return 0;
  const d = stream - (file ?? 0);
  return d > 1e-6 ? Math.round(d * 1e6) / 1e6 : 0;
}

/** Turn ffprobe's JSON into our typed metadata. Exported for tests. */
export function interpretProbe(json: unknown, file: string): MediaInfo {
  const parsed = rawProbe.safeParse(json);
  if (!parsed.success) throw new FramewiseError('not_media', `${file}: ffprobe output could not be read`);
  const { streams, format } = parsed.data;
  const infos: StreamInfo[] = [];
  let video: VideoStreamInfo | null = null;
  for (const s of streams) {
    const type = streamType(s.codec_type);
    const base: StreamInfo = {
      index: s.index,
      type,
      codec: s.codec_name ?? null,
      codecLongName: s.codec_long_name ?? null,
      language: s.tags?.language ?? null,
      tags: s.tags ?? {},
    };
    if (type === 'audio') {
      if (s.channels !== undefined) base.channels = s.channels;
      const sr = num(s.sample_rate);
      if (sr !== null) base.sampleRate = sr;
      if (s.channel_layout) base.channelLayout = s.channel_layout;
    }
    // Cover art (attached pictures) is not the video.
    const isCover = (s.disposition?.attached_pic ?? 0) === 1;
    if (type === 'video' && !isCover && !video && s.width && s.height) {
      const rotation = rotationOf(s);
      const swap = rotation === 90 || rotation === 270;
      video = {
        ...base,
        type: 'video',
        width: s.width,
        height: s.height,
        displayWidth: swap ? s.height : s.width,
        displayHeight: swap ? s.width : s.height,
        rotation,
        pixelFormat: s.pix_fmt ?? null,
        profile: s.profile ?? null,
        avgFrameRate: parseFraction(s.avg_frame_rate),
        rFrameRate: parseFraction(s.r_frame_rate),
        timeBase: parseFraction(s.time_base),
        bitRate: num(s.bit_rate),
        colour: colourFacts(s),
      };
      infos.push(video);
    } else {
      infos.push(base);
    }
  }
  const vRaw = video ? streams.find((s) => s.index === video!.index) : undefined;
  const duration = num(format?.duration) ?? num(vRaw?.duration) ?? 0;
  const fps = video ? (video.avgFrameRate ?? video.rFrameRate) : null;
  const vfr =
    !!video?.avgFrameRate &&
    !!video.rFrameRate &&
    Math.abs(fractionToNumber(video.avgFrameRate) - fractionToNumber(video.rFrameRate)) > 0.01;
  const nbFrames = num(vRaw?.nb_frames);
  const frameCountEstimate = nbFrames && nbFrames > 0 ? nbFrames : fps && duration ? Math.round(duration * fractionToNumber(fps)) : null;
  return {
    formatName: format?.format_name ?? 'unknown',
    formatLongName: format?.format_long_name ?? null,
    duration,
    size: num(format?.size),
    bitRate: num(format?.bit_rate),
    tags: format?.tags ?? {},
    video,
    fps,
    variableFrameRate: vfr,
    frameCountEstimate,
    streams: infos,
    videoStart: videoStartOf(num(vRaw?.start_time), num(format?.start_time)),
    ...(num(format?.start_time) ? { fileStart: num(format?.start_time)! } : {}),
  };
}

export async function probeFile(ffprobe: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  return interpretProbe(await runProbe(ffprobe, file, ['-show_format', '-show_streams'], signal), file);
}

/** ffprobe's JSON for these `-show_…` options (compact: no indentation to send and parse), parsed. */
async function runProbe(ffprobe: string, file: string, show: string[], signal?: AbortSignal): Promise<unknown> {
  let stdout: string;
  try {
    ({ stdout } = await runProcess(ffprobe, ['-v', 'error', '-print_format', 'json=compact=1', ...show, file], signal ? { signal } : {}));
  } catch (err) {
    if (err instanceof FramewiseError && err.code !== 'cancelled') {
      throw new FramewiseError(err.code, `${file}: ${err.message}`, err.details);
    }
    throw err;
  }
  try {
    return JSON.parse(stdout);
  } catch {
    throw new FramewiseError('not_media', `${file}: ffprobe returned no readable metadata`);
  }
}

/**
 * The container, its streams (with dispositions and tags) and its chapters as ffprobe reports them, unparsed:
 * for checks that look at what `probeFile` leaves out (the anonymization's verification of its output).
 */
export async function probeFileJson(ffprobe: string, file: string, signal?: AbortSignal): Promise<unknown> {
  const { stdout } = await runProcess(
    ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-show_chapters', file],
    signal ? { signal } : {},
  );
  try {
    return JSON.parse(stdout);
  } catch {
    throw new FramewiseError('not_media', `${file}: ffprobe returned no readable metadata`);
  }
}

/**
 * Containers such as Matroska report no average frame rate of their own, so ffprobe's avg/r rates agree even
 * for variable-frame-rate video. Read the first packets' timestamps (no decoding) and look at the spacing.
 */
export async function detectVariableFrameRate(ffprobe: string, file: string, signal?: AbortSignal): Promise<boolean> {
  const { stdout } = await runProcess(
    ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+30', '-show_entries', 'packet=pts_time', '-of', 'csv=p=0', file],
    signal ? { signal } : {},
  );
  return spacingIsVariable(stdout.split('\n').map((l) => Number(l.split(',')[0])));
}

/** Packet times (s, in file order) whose spacing varies: more than 5 % of the steps off the median by over 1.5×. */
export function spacingIsVariable(times: number[]): boolean {
  const pts = times.filter((n) => Number.isFinite(n)).sort((a, b) => a - b);
  if (pts.length < 6) return false;
  const deltas = pts
    .slice(1)
    .map((t, i) => t - pts[i]!)
    .filter((d) => d > 1e-6);
  if (deltas.length < 5) return false;
  const sorted = [...deltas].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const spread = deltas.filter((d) => d > median * 1.5 || d < median / 1.5).length;
  return spread / deltas.length > 0.05;
}

const packetTimes = z.object({
  packets: z.array(z.object({ stream_index: z.number().optional(), pts_time: z.string().optional() }).loose()).default([]),
});

/**
 * `probeFile` and the packet-spacing frame-rate check (`detectVariableFrameRate`) from one ffprobe run: the
 * format and streams, plus the first 30 s of packet times (no decoding). One process instead of two: on the
 * import bench's host each ffprobe start-up (loading ffmpeg's libraries, opening the file, probing the stream)
 * cost about 0.2 CPU-s, as much as the frame-rate check's own work.
 */
export async function probeFileWithFrameRate(ffprobe: string, file: string, signal?: AbortSignal): Promise<MediaInfo> {
  const json = await runProbe(
    ffprobe,
    file,
    ['-show_format', '-show_streams', '-show_entries', 'packet=stream_index,pts_time', '-read_intervals', '%+30'],
    signal,
  );
  const info = interpretProbe(json, file);
  if (!info.variableFrameRate && info.video) {
    const parsed = packetTimes.safeParse(json);
    const index = info.video.index;
    const times = parsed.success ? parsed.data.packets.filter((p) => p.stream_index === index).map((p) => Number(p.pts_time)) : [];
    info.variableFrameRate = spacingIsVariable(times);
  }
  return info;
}
