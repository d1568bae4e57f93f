import type { VideoDetail } from './types.js';
import { keyFilePath, LibraryKey } from '../patient/crypto.js';
import type { Services } from '../services.js';
import { readSealedTags, unsealTags } from './sealed-tags.js';

/**
 * The video's container/stream tags decrypted into `metadata.tags` / `metadata.streams[].tags` — only when
 * the library key file is present and belongs to the library; otherwise `metadata.tagsSealed` says they exist.
 */
export async function withUnsealedTags(services: Services, detail: VideoDetail): Promise<VideoDetail> {
  const blob = await readSealedTags(services.db.reader, detail.id);
  if (!blob) return detail;
  const key = await LibraryKey.load(services.dataDir, { create: false }).catch(() => null);
  const meta = detail.metadata as { tags?: Record<string, string>; streams?: Array<{ index: number; tags?: Record<string, string> }> };
  try {
    if (!key) throw new Error(`no key at ${keyFilePath(services.dataDir)}`);
    const t = unsealTags(key, detail.sha256, blob);
    const streams = (meta.streams ?? []).map((s) => ({ ...s, tags: t.streams.find((x) => x.index === s.index)?.tags ?? s.tags ?? {} }));
    return { ...detail, metadata: { ...meta, tags: t.format, streams } };
  } catch {
    return { ...detail, metadata: { ...meta, tagsSealed: true } };
  }
}
