/** Media URLs name a library item by kind and id only: `<prefix>/video/12`, `<prefix>/artifact/7`. Never a path. */
export interface MediaTarget {
  /** 'export': a verified anonymized export (side-by-side playback); 'clip': a clip's exported file (by clip id). */
  kind: 'video' | 'artifact' | 'export' | 'clip';
  id: number;
}

/** Parse the `video/12` tail of a media URL path. Returns null for anything else (no paths, no traversal). */
export function parseMediaTarget(tail: string): MediaTarget | null {
  const m = /^\/*(video|artifact|export|clip)\/([1-9]\d{0,15})\/?$/.exec(tail);
  if (!m) return null;
  const id = Number(m[2]);
  if (!Number.isSafeInteger(id)) return null;
  return { kind: m[1] as MediaTarget['kind'], id };
}

export function mediaTail(target: MediaTarget): string {
  return `${target.kind}/${target.id}`;
}
