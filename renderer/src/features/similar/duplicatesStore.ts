import { create } from 'zustand';
import type { NearDuplicatePair } from '../../../../core/api/types.js';
import { client } from '../../state/client.js';

/** The library's undecided near-duplicate flags, loaded once and again whenever fingerprints change. */
export const useDuplicates = create<{ pairs: NearDuplicatePair[]; loaded: boolean }>(() => ({ pairs: [], loaded: false }));

let watching = false;

export async function loadDuplicates(): Promise<void> {
  const pairs = await client().call('similar.duplicates', { undecidedOnly: true });
  useDuplicates.setState({ pairs, loaded: true });
}

/** Load the flags and keep them current (one subscription for the whole app). */
export function watchDuplicates(): void {
  if (watching) return;
  watching = true;
  void loadDuplicates().catch(() => undefined);
  client().subscribe((e) => {
    if (e.type === 'data.changed' && (e.topic === 'similar' || e.topic === 'library')) void loadDuplicates().catch(() => undefined);
    if (e.type === 'video.added') void loadDuplicates().catch(() => undefined);
  });
}
