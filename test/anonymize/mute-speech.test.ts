import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { test } from 'node:test';
import type { AnonymizeJobOutput } from '../../core/anonymize/job.js';
import { verifySpeechMuted } from '../../core/anonymize/speech-mute.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { detectSpeech } from '../../core/speech/vad.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpegPath, generated } from '../helpers/media.js';
import { spokenWav } from '../audio/speech-media.js';
import { endo, endoscopyVideo } from './endoscopy-media.js';

const execFileAsync = promisify(execFile);

const overrides = {
  region: endo.region,
  textBoxes: [{ rect: endo.insideBox, source: 'manual' }],
  segments: [{ ...endo.outside, label: 'outside', validated: true }],
  patient: endo.patient,
};

/** The endoscopy clip with its audio replaced: steady pink noise (device hum) and a spoken sentence at 1–7 s. */
async function endoscopyWithSpeech(): Promise<string> {
  const video = await endoscopyVideo();
  const wav = await spokenWav();
  return generated('endoscopy-speech-noise.mp4', (out) => [
    '-i',
    video,
    '-f',
    'lavfi',
    '-i',
    'anoisesrc=color=pink:amplitude=0.3:sample_rate=48000:duration=12:seed=3',
    '-i',
    wav,
    '-filter_complex',
    '[2:a]aresample=48000,adelay=1000,apad[s];[1:a][s]amix=inputs=2:duration=first[a]',
    '-map',
    '0:v',
    '-map',
    '[a]',
    '-c:v',
    'copy',
    '-c:a',
    'aac',
    '-t',
    '12',
    out,
  ]);
}

/** RMS of the output's audio between two times (mono, 16 kHz). */
async function rms(file: string, from: number, to: number): Promise<number> {
  const { stdout } = await execFileAsync(
    await ffmpegPath(),
    [
      '-v',
      'error',
      '-ss',
      String(from),
      '-t',
      String(to - from),
      '-i',
      file,
      '-map',
      '0:a:0',
      '-ac',
      '1',
      '-ar',
      '16000',
      '-f',
      'f32le',
      'pipe:1',
    ],
    { encoding: 'buffer', maxBuffer: 64 << 20 },
  );
  const buf = stdout as Buffer;
  const a = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length - (buf.length % 4)));
  let s = 0;
  for (const v of a) s += v * v;
  return Math.sqrt(s / Math.max(1, a.length));
}

test('the speech detector hears the sentence in the source, so the output check below can fail', async () => {
  const file = await endoscopyWithSpeech();
  const ffmpeg = await Ffmpeg.create();
  const found = await detectSpeech(ffmpeg, file);
  const inSentence = found.segments.filter((s) => s.start >= 0.7 && s.end <= 7.3);
  assert.equal(inSentence.length, found.segments.length, JSON.stringify(found.segments));
  assert.ok(inSentence.reduce((a, s) => a + s.end - s.start, 0) > 4.5, JSON.stringify(found.segments));
  const findings = await verifySpeechMuted(ffmpeg, file);
  assert.ok(findings.length > 0 && findings.every((f) => f.check === 'speech'));
});

test('anonymize --mute-speech keeps ambient sound, mutes every speech segment (with margins), verified on the output', async () => {
  const file = await endoscopyWithSpeech();
  const lib = await openTempCore();
  const out = tempDir('framewise-anon-speech-');
  try {
    const [imp] = await importAndWait(lib.core, [file]);
    const videoId = (imp!.output as { videoId: number }).videoId;
    // The default stays "drop audio".
    const preview = await lib.core.call('anonymize.plan', { video: videoId, overrides });
    assert.equal(preview.plan.audio.keep, false);

    const { job } = await lib.core.call('anonymize.start', {
      video: videoId,
      output: { dir: out.dir },
      overrides,
      options: { muteSpeech: true },
    });
    const done = await lib.core.services.jobs.waitFor(job.id, 300_000);
    assert.equal(done.state, 'succeeded', JSON.stringify(done.error));
    const res = done.output as AnonymizeJobOutput;
    assert.equal(res.verification.ok, true);
    assert.equal(res.plan.audio.keep, true);
    const muted = res.plan.audio.mutedSpeech ?? [];
    assert.ok(muted.length >= 1, 'speech ranges recorded in the plan');
    // Margins: the muted range starts before the sentence (1 s) and covers it.
    assert.ok(muted[0]!.start <= 1.0 && muted.some((m) => m.end >= 6.5), JSON.stringify(muted));

    // Independent check of the output: no speech, ambient kept before the sentence, silence where it was.
    const ffmpeg = await Ffmpeg.create();
    const left = await detectSpeech(ffmpeg, res.outputPath);
    assert.deepEqual(left.segments, [], `speech left: ${JSON.stringify(left.segments)}`);
    assert.ok((await rms(res.outputPath, 0, 0.5)) > 0.01, 'ambient sound is kept');
    assert.ok((await rms(res.outputPath, 1.5, 4.5)) < 0.001, 'the sentence is muted');
  } finally {
    await lib.close();
    out.cleanup();
  }
});
