import type { Kysely } from 'kysely';
import type { MediaInfo } from '../ffmpeg/probe.js';
import type { LibraryKey } from '../patient/crypto.js';

/**
 * Container and stream tags (title, comment, creation_time, …) are patient data: devices write the name,
 * birth date or case number there. They are never stored in plain text: the probe result is stored without
 * them, and the tags go sealed with the library key (AES-256-GCM, bound to the video's hash) into
 * `video_sealed_tags` (migration 53). They are shown decrypted only where the key is present.
 */
export interface VideoTags {
  format: Record<string, string>;
  streams: Array<{ index: number; tags: Record<string, string> }>;
}

export type SealedTagsTable = { video_id: number; tags_enc: Buffer };

/** The probe result without any tag (the stream language, a code, stays). */
export function withoutTags(info: MediaInfo): { info: MediaInfo; tags: VideoTags } {
  const tags: VideoTags = {
    format: info.tags ?? {},
    streams: info.streams.filter((s) => Object.keys(s.tags ?? {}).length).map((s) => ({ index: s.index, tags: s.tags })),
  };
  return {
    info: {
      ...info,
      tags: {},
      video: info.video ? { ...info.video, tags: {} } : null,
      streams: info.streams.map((s) => ({ ...s, tags: {} })),
    },
    tags,
  };
}

export function hasTags(t: VideoTags): boolean {
  return Object.keys(t.format).length > 0 || t.streams.length > 0;
}

const context = (sha256: string) => `video-tags:${sha256}`;

export function sealTags(key: LibraryKey, sha256: string, tags: VideoTags): string {
  return key.encrypt(JSON.stringify(tags), context(sha256)).toString('base64');
}

export function unsealTags(key: LibraryKey, sha256: string, blob: Buffer): VideoTags {
  return JSON.parse(key.decrypt(blob, context(sha256))) as VideoTags;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function readSealedTags(db: Kysely<any>, videoId: number): Promise<Buffer | null> {
  const r = await db
    .withTables<{ video_sealed_tags: SealedTagsTable }>()
    .selectFrom('video_sealed_tags')
    .select('tags_enc')
    .where('video_id', '=', videoId)
    .executeTakeFirst();
  return r ? Buffer.from(r.tags_enc) : null;
}
