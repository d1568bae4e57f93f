import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { similarMedia, VARIANTS } from '../helpers/similar.js';
import type { Core } from '../../core/core.js';
import { matchSequences } from '../../core/similar/match.js';
import { allSequences } from '../../core/similar/store.js';

async function importOne(core: Core, file: string): Promise<number> {
  const [job] = await importAndWait(core, [file]);
  assert.equal(job!.state, 'succeeded', JSON.stringify(job!.error));
  return (job!.output as { videoId: number }).videoId;
}

/** Wait for every fingerprint job (the import's follow-ups) to finish successfully. */
async function fingerprinted(core: Core) {
  for (let round = 0; round < 50; round++) {
    const jobs = await core.call('jobs.list', { kind: 'fingerprint' });
    if (jobs.length && jobs.every((j) => j.state === 'succeeded')) return jobs;
    const bad = jobs.find((j) => j.state === 'failed' || j.state === 'cancelled');
    assert.equal(bad, undefined, JSON.stringify(bad?.error));
    await Promise.all(jobs.map((j) => core.services.jobs.waitFor(j.id, 120_000)));
  }
  assert.fail('fingerprint jobs did not finish');
}

test('near-duplicates: re-encoded, 720p, cropped 5 %, brightness +10 %, first 2 s trimmed are flagged; different footage is not', async () => {
  const files = {
    original: await similarMedia.original(),
    different: await similarMedia.different(),
    ...Object.fromEntries(
      await Promise.all(VARIANTS.map(async (v) => [v.name, await similarMedia.variant(v.name, v.filter, v.extra, v.inputExtra)] as const)),
    ),
  };
  const lib = await openTempCore();
  try {
    const ids: Record<string, number> = {};
    for (const [name, file] of Object.entries(files)) ids[name] = await importOne(lib.core, file);
    await fingerprinted(lib.core);

    // The scores behind the flags (printed so a regression shows how far it moved).
    const seqs = new Map((await allSequences(lib.core.services.db.reader)).map((s) => [s.videoId, s.hashes]));
    const score = (a: string, b: string) => matchSequences(seqs.get(ids[a]!)!, seqs.get(ids[b]!)!)?.score ?? 0;
    for (const name of [...VARIANTS.map((v) => v.name), 'different']) console.log(`${name}: ${score('original', name).toFixed(3)}`);

    const pairs = await lib.core.call('similar.duplicates', { threshold: 0.8 });
    const flagged = (name: string) => pairs.find((p) => p.videoId === ids[name] && p.otherId === ids.original);
    for (const v of VARIANTS) {
      const p = flagged(v.name);
      assert.ok(p, `${v.name} must be flagged as looking like the original (score ${score('original', v.name).toFixed(3)})`);
      assert.ok(p.score >= 0.8 && p.score <= 1);
      assert.equal(p.otherName, 'similar-original.mp4');
    }
    // The trimmed copy starts 2 s into the original.
    assert.equal(flagged('trim2s')!.offsetSeconds, 2);
    assert.equal(flagged('crf40')!.offsetSeconds, 0);
    // Different footage matches nothing.
    assert.equal(
      pairs.filter((p) => p.videoId === ids.different || p.otherId === ids.different).length,
      0,
      `different footage flagged: ${JSON.stringify(pairs.filter((p) => p.videoId === ids.different || p.otherId === ids.different))}`,
    );
    assert.ok(score('original', 'different') < 0.3, `different footage scores ${score('original', 'different')}`);

    // Decisions: keep both dismisses nothing but records the answer; remove takes the video out of the library.
    await lib.core.call('similar.decide', { video: ids.crf40!, other: ids.original!, decision: 'keep' });
    await lib.core.call('similar.decide', { video: ids['720p']!, other: ids.original!, decision: 'link' });
    const after = await lib.core.call('similar.duplicates', { threshold: 0.8, undecidedOnly: false });
    assert.equal(after.find((p) => p.videoId === ids.crf40)!.decision, 'keep');
    assert.equal(after.find((p) => p.videoId === ids['720p'])!.decision, 'link');
    const undecided = await lib.core.call('similar.duplicates', { threshold: 0.8, undecidedOnly: true });
    assert.ok(!undecided.some((p) => (p.videoId === ids.crf40 || p.videoId === ids['720p']) && p.otherId === ids.original));
    // The copies look like each other too.
    assert.ok(after.some((p) => p.videoId === ids.trim2s && p.otherId === ids.crf40));
    await assert.rejects(
      lib.core.call('similar.decide', { video: ids.different!, other: ids.original!, decision: 'link' }),
      /not flagged as near-duplicates/,
    );
    await lib.core.call('similar.decide', { video: ids.bright10!, other: ids.original!, decision: 'remove' });
    await assert.rejects(lib.core.call('videos.get', { video: ids.bright10! }));
    assert.ok(!(await lib.core.call('similar.duplicates', {})).some((p) => p.videoId === ids.bright10));
  } finally {
    await lib.close();
  }
});
