/**
 * The example a similar-clips search starts from: a clip of a video (its stored vector), a single frame of a
 * video (`frame` or `time`: that picture alone, decoded now), or an image file. Single pictures are decoded
 * as the clips' keyframes are (32×32 for fingerprints, the model's input size for embeddings) and turned into
 * the same kind of unit vector.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { readFrameRgb } from '../ffmpeg/raw-frame.js';
import { onFileTime, videoStartOf } from '../ffmpeg/file-time.js';
import { getVideoRow } from '../library/videos.js';
import { numberingFps } from '../scenes/store.js';
import type { Services } from '../services.js';
import { FramewiseError, isNodeError } from '../util/errors.js';
import { frameToTime } from '../util/fraction.js';
import { activeClips, fingerprintQuery } from './clip-fingerprints.js';
import type { EmbeddingModel } from './embedding-store.js';
import { embedPicture } from './embeddings.js';
import { HASH_SIZE } from './phash.js';

export interface Example {
  clipId: number | null;
  n: number | null;
  time: number | null;
  /** The query vector of a single picture; null for a clip (its stored vector is used). */
  vector: Float32Array | null;
}

async function pictureVector(s: Services, file: string, time: number, model: EmbeddingModel | null, what: string): Promise<Float32Array> {
  const size = model ? { width: model.manifest.input.width, height: model.manifest.input.height } : { width: HASH_SIZE, height: HASH_SIZE };
  const rgb = await readFrameRgb(s.ffmpeg, file, time, size);
  if (!rgb) throw new FramewiseError('undecodable', `${file}: ${what} could not be decoded`);
  return model ? embedPicture(model, rgb) : fingerprintQuery(rgb);
}

export async function resolveExample(
  s: Services,
  input: {
    videoId: number | null;
    clip?: number | undefined;
    frame?: number | undefined;
    time?: number | undefined;
    image?: string | undefined;
  },
  model: EmbeddingModel | null,
): Promise<Example> {
  if (input.image !== undefined) {
    const file = path.resolve(input.image);
    try {
      if (!(await stat(file)).isFile()) throw new FramewiseError('not_media', `${file}: not a file`);
    } catch (err) {
      if (isNodeError(err) && err.code === 'ENOENT') throw new FramewiseError('file_missing', `${file}: the image does not exist`);
      throw err;
    }
    const vector = await pictureVector(s, file, 0, model, 'the image').catch((err: unknown) => {
      if (err instanceof FramewiseError && err.code === 'undecodable')
        throw new FramewiseError('not_media', `${file}: not a picture Framewise can read`);
      throw err;
    });
    return { clipId: null, n: null, time: null, vector };
  }
  const videoId = input.videoId!;
  if (input.frame !== undefined || input.time !== undefined) {
    const row = await getVideoRow(s.db.reader, videoId);
    const time = input.time ?? frameToTime(input.frame!, numberingFps(row));
    if (row.duration > 0 && time >= row.duration)
      throw new FramewiseError('not_found', `The video is ${row.duration.toFixed(3)} s long; no frame at ${time.toFixed(3)} s`);
    return {
      clipId: null,
      n: null,
      time,
      vector: await pictureVector(s, row.path, onFileTime(videoStartOf(row))(time), model, `the frame at ${time.toFixed(3)} s`),
    };
  }
  const clips = await activeClips(s.db.reader, videoId);
  if (!clips.length) throw new FramewiseError('precondition', 'The video has no clips yet (detect scenes and make clips first)');
  const clip = clips[(input.clip ?? 1) - 1];
  if (!clip) throw new FramewiseError('not_found', `The video has ${clips.length} clips; no clip ${input.clip}`);
  return { clipId: clip.id, n: clip.n, time: null, vector: null };
}
