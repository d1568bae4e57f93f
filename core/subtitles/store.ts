import type { Insertable } from 'kysely';
import { nowIso } from '../db/open.js';
import { FramewiseError } from '../util/errors.js';
import type { Cue, StoredCue, SubtitleFormat, SubtitleTrack, TrackKind, TrackSource } from './types.js';
import { subDb, type CueRow, type SubDb, type SubTrx, type SubtitleCuesTable, type TrackRow } from './tables.js';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.js';

export type NewCueRow = Omit<Insertable<SubtitleCuesTable>, 'id'>;

export function toStoredCue(r: CueRow): StoredCue {
  const cue: StoredCue = {
    id: r.id,
    trackId: r.track_id,
    startMs: r.start_ms,
    endMs: r.end_ms,
    text: r.text,
    align: r.align,
    style: r.style,
  };
  if (r.words_json) cue.words = JSON.parse(r.words_json) as StoredCue['words'];
  return cue;
}

export function cueRow(trackId: number, c: Cue, who: string, supersedes: number | null = null, deleted = 0): NewCueRow {
  return {
    track_id: trackId,
    start_ms: c.startMs,
    end_ms: c.endMs,
    text: c.text,
    align: c.align,
    style: c.style,
    words_json: c.words?.length ? JSON.stringify(c.words) : null,
    supersedes_id: supersedes,
    deleted,
    created_at: nowIso(),
    created_by: who,
  };
}

/** Active cues of a track (not deleted, not superseded), in time order. */
export async function activeCueRows(db: SubDb | SubTrx, trackId: number): Promise<CueRow[]> {
  return db
    .selectFrom('subtitle_cues as c')
    .selectAll('c')
    .where('c.track_id', '=', trackId)
    .where('c.deleted', '=', 0)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('subtitle_cues as x').select('x.id').whereRef('x.supersedes_id', '=', 'c.id'))))
    .orderBy('c.start_ms')
    .orderBy('c.id')
    .execute();
}

export async function getCues(db: Kysely<Database>, trackId: number): Promise<StoredCue[]> {
  return (await activeCueRows(subDb(db), trackId)).map(toStoredCue);
}

function toTrack(r: TrackRow, cueCount: number): SubtitleTrack {
  return {
    id: r.id,
    videoId: r.video_id,
    language: r.language,
    title: r.title,
    kind: r.kind as TrackKind,
    source: r.source as TrackSource,
    origin: r.origin,
    format: r.format as SubtitleFormat | null,
    encoding: r.encoding,
    reviewed: r.reviewed === 1,
    cueCount,
    createdAt: r.created_at,
  };
}

/** The video's stored tracks (deleted ones hidden), numbered by id. */
export async function listTracks(db: Kysely<Database>, videoId: number): Promise<SubtitleTrack[]> {
  const s = subDb(db);
  const rows = await s
    .selectFrom('subtitle_tracks')
    .selectAll()
    .where('video_id', '=', videoId)
    .where('deleted', '=', 0)
    .orderBy('id')
    .execute();
  return Promise.all(rows.map(async (r) => toTrack(r, (await activeCueRows(s, r.id)).length)));
}

export async function getTrackRow(db: SubDb | SubTrx, videoId: number, trackId: number): Promise<TrackRow> {
  const r = await db.selectFrom('subtitle_tracks').selectAll().where('id', '=', trackId).executeTakeFirst();
  if (!r || r.video_id !== videoId || r.deleted)
    throw new FramewiseError(
      'not_found',
      `Subtitle track ${trackId} does not exist on video ${videoId} (see \`framewise subtitles <video> --list\`)`,
      {
        trackId,
      },
    );
  return r;
}

export async function getTrack(db: Kysely<Database>, videoId: number, trackId: number): Promise<SubtitleTrack> {
  const s = subDb(db);
  const r = await getTrackRow(s, videoId, trackId);
  return toTrack(r, (await activeCueRows(s, r.id)).length);
}

/** Pick a track: the given id, else the video's only/first track. */
export async function resolveTrack(db: Kysely<Database>, videoId: number, trackId: number | undefined): Promise<SubtitleTrack> {
  if (trackId !== undefined) return getTrack(db, videoId, trackId);
  const tracks = await listTracks(db, videoId);
  if (!tracks.length) throw new FramewiseError('not_found', `Video ${videoId} has no subtitle tracks; import one first (--import <file>)`);
  return tracks[0]!;
}

/** Create a track with its cues in one transaction (an import is all or nothing). */
export async function createTrack(
  db: Kysely<Database>,
  a: {
    videoId: number;
    language: string | null;
    title: string | null;
    kind: TrackKind;
    source: TrackSource;
    origin: string | null;
    format: SubtitleFormat | null;
    encoding: string | null;
    assHeader: string | null;
    cues: Cue[];
    who: string;
  },
): Promise<SubtitleTrack> {
  const id = await subDb(db)
    .transaction()
    .execute(async (trx) => {
      const t = await trx
        .insertInto('subtitle_tracks')
        .values({
          video_id: a.videoId,
          language: a.language,
          title: a.title,
          kind: a.kind,
          source: a.source,
          origin: a.origin,
          format: a.format,
          encoding: a.encoding,
          ass_header: a.assHeader,
          reviewed: 0,
          deleted: 0,
          created_at: nowIso(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      const rows = a.cues.map((c) => cueRow(t.id, c, a.who));
      for (let i = 0; i < rows.length; i += 200)
        await trx
          .insertInto('subtitle_cues')
          .values(rows.slice(i, i + 200))
          .execute();
      return t.id;
    });
  return getTrack(db, a.videoId, id);
}

export async function updateTrack(
  db: Kysely<Database>,
  videoId: number,
  trackId: number,
  patch: { language?: string | null; title?: string | null; kind?: TrackKind; reviewed?: boolean; deleted?: boolean },
): Promise<SubtitleTrack | null> {
  const s = subDb(db);
  await getTrackRow(s, videoId, trackId);
  await s
    .updateTable('subtitle_tracks')
    .set({
      ...(patch.language !== undefined ? { language: patch.language } : {}),
      ...(patch.title !== undefined ? { title: patch.title } : {}),
      ...(patch.kind !== undefined ? { kind: patch.kind } : {}),
      ...(patch.reviewed !== undefined ? { reviewed: patch.reviewed ? 1 : 0 } : {}),
      ...(patch.deleted ? { deleted: 1 } : {}),
    })
    .where('id', '=', trackId)
    .execute();
  return patch.deleted ? null : getTrack(db, videoId, trackId);
}
