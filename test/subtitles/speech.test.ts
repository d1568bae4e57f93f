import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { SPEECH_AT, speechOverNoise } from '../audio/speech-media.js';

test('cues from speech and snapping use the voice activity detector (audio capability) through the speech lane', async () => {
  const { core, close } = await openTempCore();
  try {
    const file = await speechOverNoise();
    const [imp] = await importAndWait(core, [file]);
    const video = (imp!.output as { videoId: number }).videoId;
    const track = await core.call('subtitles.create', { video, language: 'en', title: 'Transcript' });
    // Before detection there is no speech to use: said plainly.
    await assert.rejects(core.call('subtitles.fromSpeech', { video, track: track.id }), /no speech segments yet/);

    const { job } = await core.call('audio.detect', { videoId: video, method: 'speech' });
    const done = await core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));

    const made = await core.call('subtitles.fromSpeech', { video, track: track.id });
    assert.ok(made.cues.length >= 2, `cues: ${JSON.stringify(made.cues)}`);
    const [a, b] = SPEECH_AT.map((s) => s * 1000) as [number, number];
    // Every cue lies on one of the two spoken sentences (about 6 s each); both sentences get cues; none in the noise.
    for (const c of made.cues)
      assert.ok(
        (c.startMs >= a - 800 && c.endMs <= a + 8000) || (c.startMs >= b - 800 && c.endMs <= b + 8000),
        `cue ${c.startMs}–${c.endMs}`,
      );
    assert.ok(made.cues.some((c) => c.startMs < a + 1000));
    assert.ok(made.cues.some((c) => c.startMs >= b - 800));
    assert.ok(made.cues.every((c) => c.text === '…'));

    // A hand-made cue starting 400 ms late snaps to the detected start of the second sentence.
    const other = await core.call('subtitles.create', { video, title: 'Hand-timed' });
    await core.call('subtitles.add', { video, track: other.id, startMs: b + 400, endMs: b + 3000, text: 'The patient is doing well.' });
    const speechStart = made.cues.find((c) => c.startMs >= b - 800)!.startMs;
    const snapped = await core.call('subtitles.snap', { video, track: other.id, toleranceMs: 1000 });
    assert.equal(snapped.cues[0]!.startMs, speechStart);
  } finally {
    await close();
  }
});
