import { sql, type Kysely, type Transaction } from 'kysely';
import type { ReviewProgress } from '../api/types.js';
import type { Database } from '../db/schema.js';

type Db = Kysely<Database> | Transaction<Database>;

/** Validated active segments / all active segments of one video. */
export async function reviewProgress(db: Db, videoId: number): Promise<ReviewProgress> {
  const r = await db
    .selectFrom('segments as s')
    .select([sql<number>`count(*)`.as('total'), sql<number | null>`sum(s.validated)`.as('validated')])
    .where('s.video_id', '=', videoId)
    .where('s.deleted', '=', 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('segments as x').select('x.id').whereRef('x.supersedes_id', '=', 's.id'))))
    .executeTakeFirst();
  return { validated: r?.validated ?? 0, total: r?.total ?? 0 };
}
