import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';
import { reviewProgressOf } from '../segments/store.js';
import type { ReviewProgress } from '../segments/types.js';

/** Validated active segments / all active segments of one video. */
export async function reviewProgress(db: Kysely<Database> | Transaction<Database>, videoId: number): Promise<ReviewProgress> {
  return (await reviewProgressOf(db, [videoId])).get(videoId) ?? { validated: 0, total: 0 };
}
