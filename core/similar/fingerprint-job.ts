import { z } from 'zod';
import { defineJobKind } from '../jobs/kind.js';
import { requireProbedVideo } from '../library/video-jobs.js';
import { numberingFps } from '../scenes/store.js';
import { cancelled } from '../util/errors.js';
import { fingerprintVideo } from './fingerprint.js';
import { matchSequences } from './match.js';
import { allSequences, saveNearDuplicates, saveVideoFingerprint } from './store.js';

/** A video is flagged as a possible duplicate of another when at least this share of their overlap matches. */
export const FLAG_THRESHOLD = 0.8;

/**
 * The `fingerprint` job (a background follow-up of every import): the video's fingerprint sequence (decoded the
 * cheap way, see fingerprint.ts), then a comparison with
 * every other video's, flagging near-duplicates ("looks like video N (94 %)"). Sequence and flags are written in
 * one transaction.
 */
export const fingerprintJob = defineJobKind({
  kind: 'fingerprint',
  title: 'Fingerprint and look for near-duplicates',
  input: z.object({ videoId: z.number().int().positive() }).strict(),
  output: z.object({
    samples: z.number().int(),
    nearDuplicates: z.array(z.object({ otherId: z.number().int(), score: z.number() })),
  }),
  videoId: (i) => i.videoId,
  // Nobody waits for it at import: jobs a person started run first.
  background: true,
  precondition: async (s, i) => void (await requireProbedVideo(s, i.videoId)),
  async run(ctx, input) {
    const row = await requireProbedVideo(ctx.services, input.videoId);
    const seq = await fingerprintVideo(
      ctx.services.ffmpeg,
      { file: row.path, fps: numberingFps(row), duration: row.duration },
      { signal: ctx.signal, onProgress: (f) => ctx.progress(f * 0.95, 'fingerprinting') },
    );
    if (ctx.signal.aborted) throw cancelled();
    ctx.progress(0.95, 'comparing');
    // Compared inside the write transaction, so two videos fingerprinted at once still see each other.
    const found: Array<{ otherId: number; score: number; offsetSeconds: number }> = [];
    await ctx.services.db.writer.transaction().execute(async (trx) => {
      for (const other of await allSequences(trx)) {
        if (other.videoId === input.videoId || other.sampleFps !== seq.sampleFps) continue;
        const m = matchSequences(other.hashes, seq.hashes);
        if (m && m.score >= FLAG_THRESHOLD)
          found.push({ otherId: other.videoId, score: Math.round(m.score * 1000) / 1000, offsetSeconds: m.offset / seq.sampleFps });
      }
      await saveVideoFingerprint(trx, input.videoId, seq);
      await saveNearDuplicates(trx, input.videoId, found);
    });
    return { samples: seq.times.length, nearDuplicates: found.map(({ otherId, score }) => ({ otherId, score })) };
  },
  async afterCommit(services, input) {
    services.events.emit({ type: 'data.changed', videoId: input.videoId, topic: 'similar' });
  },
});
