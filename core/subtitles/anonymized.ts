/**
 * Subtitles may name the patient, so anonymized exports carry none (the anonymizer maps no subtitle stream and
 * its verification refuses any). A person can still keep a track they REVIEWED: this maps its cues onto the
 * anonymized timeline (cut ranges removed) and muxes it into a NEW copy of the verified export; the verified
 * file itself is never changed.
 */
import { z } from 'zod';
import type { Services } from '../services.js';
import { FramewiseError } from '../util/errors.js';
import { upgradeStoredPlan, type FrameRange } from '../anonymize/types.js';
import type { Cue } from './types.js';

const planShape = z.preprocess(
  upgradeStoredPlan,
  z
    .object({
      input: z.object({ fps: z.string() }).loose(),
      kept: z.array(z.object({ startFrame: z.number().int().nonnegative(), endFrame: z.number().int().nonnegative() })),
    })
    .loose(),
);

export interface AnonymizedSource {
  path: string;
  /** Source frames [startFrame, endFrame) the export kept, in order. */
  kept: FrameRange[];
  fps: { num: number; den: number };
}

/** The verified export of this video with id `exportId`, with the frame ranges it kept. */
export async function anonymizedSource(s: Pick<Services, 'db'>, videoId: number, exportId: number): Promise<AnonymizedSource> {
  const row = await s.db.reader.selectFrom('anonymize_exports').selectAll().where('id', '=', exportId).executeTakeFirst();
  if (!row || row.video_id !== videoId) throw new FramewiseError('not_found', `No anonymized export ${exportId} of video ${videoId}`);
  if (row.state !== 'verified' || !row.plan_json)
    throw new FramewiseError('precondition', `Anonymized export ${exportId} is not verified (${row.state})`);
  const plan = planShape.parse(JSON.parse(row.plan_json));
  const [num, den] = plan.input.fps.split('/').map(Number);
  if (!num || !den) throw new FramewiseError('internal', `Anonymized export ${exportId}: unreadable fps ${plan.input.fps}`);
  return { path: row.output_path, kept: plan.kept, fps: { num, den } };
}

/** Map cues onto the output timeline of kept frame ranges: cut parts disappear, a cue across a cut splits. */
export function mapThroughKept(cues: readonly Cue[], kept: readonly FrameRange[], fps: { num: number; den: number }): Cue[] {
  const ms = (frame: number) => Math.floor((frame * 1000 * fps.den) / fps.num);
  const out: Cue[] = [];
  let offset = 0;
  for (const k of kept) {
    const a = ms(k.startFrame);
    const b = ms(k.endFrame);
    for (const c of cues) {
      const s = Math.max(c.startMs, a);
      const e = Math.min(c.endMs, b);
      if (e > s) out.push({ ...c, startMs: offset + s - a, endMs: offset + e - a });
    }
    offset += b - a;
  }
  return out.sort((x, y) => x.startMs - y.startMs);
}

export function requireReviewed(tracks: Array<{ id: number; reviewed: number }>): void {
  const unreviewed = tracks.filter((t) => t.reviewed !== 1);
  if (unreviewed.length)
    throw new FramewiseError(
      'precondition',
      `Subtitle track ${unreviewed.map((t) => t.id).join(', ')} is not marked reviewed. Subtitles may name the patient: only a track a person reviewed can be kept in an anonymized export.`,
    );
}
