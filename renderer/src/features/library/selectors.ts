import type { VideoSummary } from '../../../../core/api/types.js';
import type { LibraryFilter, LibrarySort } from '../../state/store.js';

export function matchesFilter(v: VideoSummary, f: LibraryFilter): boolean {
  switch (f) {
    case 'all':
      return true;
    case 'processing':
      return v.activeJobs > 0;
    case 'failed':
      return v.lastJobFailed;
    case 'reviewed':
      // Reviewed = every segment validated by a person (or the core says so).
      return v.state === 'reviewed' || (v.review.total > 0 && v.review.validated === v.review.total);
    default:
      return v.state === f;
  }
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Search, filter and sort in memory: instant for tens of thousands of videos. */
export function selectVideos(
  videos: Map<number, VideoSummary>,
  q: { search: string; filter: LibraryFilter; sort: LibrarySort; order: 'asc' | 'desc'; alsoIds?: ReadonlySet<number> },
): VideoSummary[] {
  const needle = q.search.trim().toLocaleLowerCase();
  const out: VideoSummary[] = [];
  for (const v of videos.values()) {
    // Name here; case number and exam date are matched in the core (decrypted there) and arrive as ids.
    if (needle && !v.name.toLocaleLowerCase().includes(needle) && !q.alsoIds?.has(v.id)) continue;
    if (!matchesFilter(v, q.filter)) continue;
    out.push(v);
  }
  const dir = q.order === 'asc' ? 1 : -1;
  const by: Record<LibrarySort, (a: VideoSummary, b: VideoSummary) => number> = {
    imported: (a, b) => a.id - b.id,
    name: (a, b) => collator.compare(a.name, b.name),
    duration: (a, b) => a.duration - b.duration,
    size: (a, b) => a.size - b.size,
  };
  const cmp = by[q.sort];
  out.sort((a, b) => cmp(a, b) * dir || b.id - a.id);
  return out;
}
