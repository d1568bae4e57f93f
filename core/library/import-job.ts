import { constants as fsc } from 'node:fs';
import { access, chmod, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { nowIso } from '../db/open.js';
import { decodeOneFrameAt } from '../ffmpeg/ops.js';
import type { Ffmpeg, MediaInfo } from '../ffmpeg/index.js';
import { defineJobKind } from '../jobs/kind.js';
import { locateDecodeDamage } from '../ffmpeg/decode-damage.js';
import { FramewiseError, cancelled, isNodeError } from '../util/errors.js';
import { formatFraction } from '../util/fraction.js';
import { copyAtomically, sha256File } from '../util/fs.js';
import { getVideoSummary } from './videos.js';
import { movieHeaderDuration } from '../ffmpeg/movie-duration.js';
import { startSpeculativeKeyframeRun, tailCheckTime, thumbnailTime, writePrivateThumbnail } from './private-thumbnail.js';
import { artifactRelDir } from './artifact-dir.js';
import { libraryKey } from '../patient/key.js';
import { hasTags, sealTags, withoutTags, type SealedTagsTable } from './sealed-tags.js';

/** ffprobe's name for the MP4/MOV family (ISO base media files): their header describes every stream. */
const ISO_MEDIA = /^mov,mp4,/;

export const importInput = z.object({
  /** Made absolute when validated at enqueue, so the same file gives one dedupe key whichever folder it is named from. */
  path: z
    .string()
    .min(1)
    .transform((p) => path.resolve(p)),
  copy: z.boolean().default(false),
});

export const importOutput = z.object({
  status: z.enum(['imported', 'duplicate', 'relinked']),
  videoId: z.number().int(),
  path: z.string(),
  /** Set while running, before the row exists; replaced at commit. */
  pending: z
    .object({
      sha256: z.string(),
      size: z.number(),
      mtimeMs: z.number(),
      storedPath: z.string(),
      copied: z.boolean(),
      thumbnail: z.string(),
      info: z.unknown(),
      /** Container/stream tags sealed with the library key (base64), or null when the file has none. */
      sealedTags: z.string().nullable().optional(),
    })
    .optional(),
});
export type ImportOutput = z.infer<typeof importOutput>;

async function checkReadable(file: string): Promise<number> {
  let st;
  try {
    st = await stat(file);
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOENT')
      throw new FramewiseError('file_missing', `${file}: the file does not exist (moved or deleted?)`);
    if (isNodeError(err) && err.code === 'EACCES') throw new FramewiseError('file_unreadable', `${file}: permission denied`);
    throw new FramewiseError('file_unreadable', `${file}: cannot read (${(err as Error).message})`);
  }
  if (st.isDirectory()) throw new FramewiseError('usage', `${file}: is a folder; import the folder itself to import the videos inside it`);
  if (!st.isFile()) throw new FramewiseError('not_media', `${file}: not a regular file`);
  if (st.size === 0) throw new FramewiseError('file_empty', `${file}: the file is empty (0 bytes)`);
  try {
    await access(file, fsc.R_OK);
  } catch {
    throw new FramewiseError('file_unreadable', `${file}: permission denied (the file is not readable by this user)`);
  }
  return st.size;
}

function requireVideo(file: string, info: MediaInfo): NonNullable<MediaInfo['video']> {
  if (info.video && (!info.video.codec || info.video.codec === 'unknown')) {
    throw new FramewiseError('unsupported_codec', `${file}: the video stream's codec is unknown to ffmpeg, so it cannot be decoded`);
  }
  if (info.video) {
    // A still image (PNG/JPEG/… renamed .mp4): ffmpeg reads it as a one-frame "video" of 0 s.
    const still = /(^|,)(image2|png_pipe|jpeg_pipe|bmp_pipe|gif|webp_pipe|tiff_pipe|apng|.*_pipe)(,|$)/.test(info.formatName);
    const stillCodec = ['png', 'mjpeg', 'bmp', 'gif', 'webp', 'tiff', 'jpeg2000', 'apng'].includes(info.video.codec ?? '');
    if (still || (stillCodec && !(info.duration > 0))) {
      throw new FramewiseError('not_media', `${file}: a still image (${info.video.codec ?? info.formatName}), not a video`);
    }
    return info.video;
  }
  const audio = info.streams.filter((s) => s.type === 'audio').length;
  if (audio)
    throw new FramewiseError('no_video_stream', `${file}: audio-only file (${audio} audio stream${audio > 1 ? 's' : ''}, no video stream)`);
  const hasUnknownVideo = info.streams.some((s) => s.type === 'video');
  if (hasUnknownVideo) throw new FramewiseError('unsupported_codec', `${file}: its video stream cannot be decoded (unknown codec or size)`);
  throw new FramewiseError('no_video_stream', `${file}: contains no video stream`);
}

/** ISO-BMFF files start with a box such as ftyp; anything else with "moov atom not found" is not an MP4 at all. */
async function refineProbeError(file: string, err: unknown): Promise<unknown> {
  if (!(err instanceof FramewiseError) || err.code !== 'truncated') return err;
  const fh = await open(file, 'r').catch(() => null);
  if (!fh) return err;
  try {
    const buf = Buffer.alloc(12);
    await fh.read(buf, 0, 12, 0);
    const box = buf.subarray(4, 8).toString('latin1');
    if (['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip', 'pnot'].includes(box)) return err;
    return new FramewiseError('not_media', `${file}: not a video file (its content is not a media format ffmpeg can read)`);
  } finally {
    await fh.close();
  }
}

/**
 * A file cut short can still probe fine (its index is at the front). Decode a frame near the declared end:
 * if none comes out, the data is missing.
 */
async function checkTailDecodes(ffmpeg: Ffmpeg, file: string, info: MediaInfo, signal: AbortSignal): Promise<void> {
  if (!(info.duration > 2)) return;
  let frames = 0;
  let stderr = '';
  try {
    ({ stderr } = await decodeOneFrameAt(ffmpeg, file, info.duration - 1.5, {
      signal,
      onFrame: (f) => (frames = Math.max(frames, f)),
    }));
  } catch (err) {
    if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
    if (err instanceof FramewiseError && err.code === 'unsupported_codec') {
      throw new FramewiseError(
        'unsupported_codec',
        `${file}: the video codec (${info.video?.codec ?? 'unknown'}) cannot be decoded by this ffmpeg`,
      );
    }
    stderr = String((err as FramewiseError).details?.stderrTail ?? '');
  }
  if (frames === 0 || /partial file|Invalid NAL|error while decoding|corrupt/i.test(stderr)) {
    await requireStillThere(file);
    // Say where: damage in the middle (between the last keyframe and the tail) is not a cut-short file.
    const damage = await locateDecodeDamage(ffmpeg, file, info.duration - 1.5, signal).catch((err: unknown) => {
      if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
      return null;
    });
    await requireStillThere(file);
    if (damage?.decodesAfter && damage.at !== null) {
      throw new FramewiseError(
        'undecodable',
        `${file}: the video cannot be decoded at ${damage.at.toFixed(1)} s (its data is damaged there)`,
        {
          at: damage.at,
        },
      );
    }
    throw new FramewiseError(
      'truncated',
      damage?.at != null
        ? `${file}: the file is truncated (its video stops at ${damage.at.toFixed(1)} s of ${info.duration.toFixed(1)} s)`
        : `${file}: the file is truncated or damaged (no decodable video near its end at ${info.duration.toFixed(1)} s)`,
      damage?.at != null ? { at: damage.at } : undefined,
    );
  }
}

/** Resolves `turns` turns of the event loop later (setImmediate, chained: each in the next loop iteration). */
export async function nextTurn(turns = 1): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/** A file deleted while it is being imported: say so, rather than what reading it then looks like. */
async function requireStillThere(file: string, size?: number): Promise<void> {
  const st = await stat(file).catch((err: unknown) => (isNodeError(err) && err.code === 'ENOENT' ? null : undefined));
  if (st === null) throw new FramewiseError('file_missing', `${file}: the file disappeared during import (moved or deleted)`);
  if (st && size !== undefined && st.size !== size)
    throw new FramewiseError(
      'conflict',
      `${file}: the file changed during import (size ${size} → ${st.size}); try again when it is complete`,
    );
}

export { artifactRelDir };

export const importJob = defineJobKind({
  kind: 'import',
  title: 'Import',
  input: importInput,
  output: importOutput,
  maxAttempts: 2,
  async run(ctx, input) {
    const { services, signal } = ctx;
    const file = path.resolve(input.path);
    ctx.progress(0, 'checking');
    const size = await checkReadable(file);
    // The hash (reading every byte) runs alongside the probe, the checks and the thumbnail: on two cores the
    // import takes about as long as hashing alone. A bad file stops the hash at once.
    const hashAbort = new AbortController();
    const stopHash = () => hashAbort.abort();
    signal.addEventListener('abort', stopHash, { once: true });
    const hashing = sha256File(file, {
      signal: hashAbort.signal,
      onProgress: (b) => ctx.progress(0.9 * (b / size), 'hashing'),
    });
    hashing.catch(() => undefined);
    const workThumb = path.join(await ctx.workDir(), 'thumbnail.jpg');
    // An MP4/MOV's thumbnail keyframe run starts now, alongside ffprobe, on the movie header's duration: it is
    // kept only when the probe's facts ask for exactly that run (otherwise it is killed and run again).
    const headerDuration = await movieHeaderDuration(file, path.extname(file)).catch(() => null);
    const speculative =
      headerDuration && headerDuration > 0 ? startSpeculativeKeyframeRun(services.ffmpeg, file, headerDuration, signal) : undefined;
    if (speculative) await nextTurn();
    let info: MediaInfo;
    try {
      info = await services.ffmpeg.probeWithFrameRate(file, signal).catch(async (err: unknown) => {
        throw await refineProbeError(file, err);
      });
      requireVideo(file, info);
      if (!info.fps) throw new FramewiseError('unsupported_codec', `${file}: the video stream has no frame rate`);
      // The (masked) thumbnail and the tail check share one ffmpeg run (the thumbnail's keyframes and an exact
      // decode near the end: one start-up fewer, ≈ 0.3 CPU-s with Debian's ffmpeg). When that tail frame does not
      // come out cleanly, the full tail check runs (and throws for a file cut short) before the thumbnail reads
      // anything again; its error is reported before the thumbnail's, as when the two ran apart.
      const probed = info;
      const v = probed.video!;
      const at = thumbnailTime(probed.duration);
      const tailAt = tailCheckTime(probed.duration);
      let tailChecked = tailAt === undefined;
      const tail =
        tailAt === undefined
          ? undefined
          : {
              at: tailAt,
              whenUnclear: async () => {
                tailChecked = true;
                await checkTailDecodes(services.ffmpeg, file, probed, signal);
              },
            };
      // Not in the turn that parsed the probe's output: `spawn` blocks this thread until the child has started
      // its program (a fork of this process, then exec; far longer when the machine is busy).
      await nextTurn();
      try {
        await writePrivateThumbnail(
          services.ffmpeg,
          file,
          {
            duration: probed.duration,
            width: v.displayWidth,
            height: v.displayHeight,
            at,
            ...(ISO_MEDIA.test(probed.formatName) ? { headerStart: probed.fileStart ?? 0 } : {}),
          },
          workThumb,
          signal,
          null,
          tail,
          speculative,
        );
      } catch (err) {
        if (err instanceof FramewiseError && err.code === 'cancelled') throw err;
        // The tail check's finding comes first (a file cut short also fails its thumbnail).
        if (!tailChecked && tail) await tail.whenUnclear();
        throw err;
      }
    } catch (err) {
      hashAbort.abort();
      await speculative?.stop();
      // Whatever reading it reported, a file that is gone (or changed) is reported as that.
      if (!signal.aborted && !(err instanceof FramewiseError && err.code === 'cancelled')) await requireStillThere(file, size);
      throw err;
    } finally {
      signal.removeEventListener('abort', stopHash);
      // Settled by now (used, or stopped); never a child left behind.
      await speculative?.stop();
    }
    const sha256 = await hashing.catch(async (err: unknown) => {
      if (signal.aborted) throw cancelled();
      await requireStillThere(file, size);
      throw err;
    });
    const st = await stat(file).catch(() => null);
    if (!st) throw new FramewiseError('file_missing', `${file}: the file disappeared during import (moved or deleted)`);
    if (st.size !== size)
      throw new FramewiseError(
        'conflict',
        `${file}: the file changed during import (size ${size} → ${st.size}); try again when it is complete`,
      );

    const existing = await services.db.reader.selectFrom('videos').select(['id', 'path']).where('sha256', '=', sha256).executeTakeFirst();
    if (existing) {
      const stillThere = await stat(existing.path).then(
        () => true,
        () => false,
      );
      if (existing.path === file || stillThere) return { status: 'duplicate' as const, videoId: existing.id, path: file };
      return { status: 'relinked' as const, videoId: existing.id, path: file };
    }

    let storedPath = file;
    if (input.copy) {
      ctx.progress(0.9, 'copying');
      storedPath = path.join(services.mediaDir, sha256.slice(0, 2), `${sha256}${path.extname(file).toLowerCase() || '.mp4'}`);
      const already = await stat(storedPath).then(
        (s) => s.size === size,
        () => false,
      );
      if (!already) {
        await copyAtomically(file, storedPath).catch((err: unknown) => {
          if (isNodeError(err) && err.code === 'ENOSPC') {
            throw new FramewiseError(
              'disk_full',
              `${file}: the library disk is full; copying it in needs ${(size / 1e6).toFixed(0)} MB free in ${services.mediaDir}`,
            );
          }
          throw err;
        });
      }
    }
    ctx.progress(0.98, 'thumbnail');
    const thumbRel = path.join(artifactRelDir(sha256), 'thumbnail.jpg');
    await copyAtomically(workThumb, path.join(services.artifactsDir, thumbRel));
    await chmod(path.join(services.artifactsDir, thumbRel), 0o600);
    // Tags carry patient data: only sealed with the library key, never in plain text (not even in the job row).
    const split = withoutTags(info);
    const sealedTags = hasTags(split.tags) ? sealTags(await libraryKey(services), sha256, split.tags) : null;
    return {
      status: 'imported' as const,
      videoId: 0,
      path: file,
      pending: {
        sha256,
        size,
        mtimeMs: Math.round(st.mtimeMs),
        storedPath,
        copied: input.copy,
        thumbnail: thumbRel,
        info: split.info,
        sealedTags,
      },
    };
  },
  async commit(trx, input, output) {
    const file = path.resolve(input.path);
    if (output.status === 'relinked') {
      await trx
        .updateTable('videos')
        .set({ path: file, state: 'imported', updated_at: nowIso() })
        .where('id', '=', output.videoId)
        .execute();
      return output;
    }
    if (output.status === 'duplicate' || !output.pending) return output;
    const p = output.pending;
    const info = p.info as MediaInfo;
    const v = info.video!;
    const now = nowIso();
    const inserted = await trx
      .insertInto('videos')
      .values({
        path: p.storedPath,
        original_path: file,
        name: path.basename(file),
        size: p.size,
        mtime_ms: p.mtimeMs,
        sha256: p.sha256,
        copied: p.copied ? 1 : 0,
        container: info.formatName,
        duration: info.duration,
        fps_num: info.fps?.num ?? null,
        fps_den: info.fps?.den ?? null,
        avg_frame_rate: v.avgFrameRate ? formatFraction(v.avgFrameRate) : null,
        r_frame_rate: v.rFrameRate ? formatFraction(v.rFrameRate) : null,
        frame_count_estimate: info.frameCountEstimate,
        frame_count: null,
        width: v.width,
        height: v.height,
        display_width: v.displayWidth,
        display_height: v.displayHeight,
        rotation: v.rotation,
        pixel_format: v.pixelFormat,
        video_codec: v.codec,
        audio_streams: info.streams.filter((s) => s.type === 'audio').length,
        subtitle_streams: info.streams.filter((s) => s.type === 'subtitle').length,
        variable_frame_rate: info.variableFrameRate ? 1 : 0,
        metadata_json: JSON.stringify(info),
        state: 'imported',
        imported_at: now,
        updated_at: now,
      })
      .onConflict((oc) => oc.column('sha256').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) {
      // Another import of the same content won the race.
      const other = await trx.selectFrom('videos').select('id').where('sha256', '=', p.sha256).executeTakeFirstOrThrow();
      return { status: 'duplicate' as const, videoId: other.id, path: file };
    }
    if (p.sealedTags) {
      await trx
        .withTables<{ video_sealed_tags: SealedTagsTable }>()
        .insertInto('video_sealed_tags')
        .values({ video_id: inserted.id, tags_enc: Buffer.from(p.sealedTags, 'base64') })
        .execute();
    }
    await trx
      .insertInto('artifacts')
      .values({ video_id: inserted.id, kind: 'thumbnail', path: p.thumbnail, meta_json: JSON.stringify({ width: 320 }), created_at: now })
      .execute();
    return { status: 'imported' as const, videoId: inserted.id, path: file };
  },
  followUps: (_input, output) =>
    output.status === 'imported'
      ? [
          { kind: 'frame-count', input: { videoId: output.videoId } },
          // Near-duplicate detection (core/similar).
          { kind: 'fingerprint', input: { videoId: output.videoId } },
        ]
      : [],
  async afterCommit(services, _input, output) {
    if (output.status === 'duplicate') return;
    const video = await getVideoSummary(services.db.reader, output.videoId);
    services.events.emit({ type: output.status === 'imported' ? 'video.added' : 'video.changed', video });
  },
});
