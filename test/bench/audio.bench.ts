import { rm } from 'node:fs/promises';
import path from 'node:path';
import { detectByLoudness, detectBySpeech } from '../../core/audio/detect.js';
import { loudnessOptionsSchema } from '../../core/audio/loudness.js';
import { convertArgs, probeColour } from '../../core/ffmpeg/convert.js';
import { builtinPreset } from '../../core/convert/presets.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { openTempCore } from '../helpers/library.js';
import { generated } from '../helpers/media.js';
import { speechOverNoise } from '../audio/speech-media.js';
import { asOverhead, ratioOfRuns, ratioRow, time, type BenchModule, type BenchRow } from './types.js';
import { cpuSeconds } from './cpu-seconds.js';

/** Interleaved runs of each conversion side. */
const RUNS = 3;

/** 5 minutes: the 30 s speech-over-noise clip looped ten times (stream copy). */
const fiveMinutes = async () => {
  const src = await speechOverNoise();
  return generated('speech-over-noise-300s.mp4', (out) => ['-stream_loop', '9', '-i', src, '-c', 'copy', out]);
};

/** 60 s 640x360 25 fps with audio, for conversion timing. */
const convertSource = () =>
  generated('convert-bench-60s.mp4', (out) => [
    '-f',
    'lavfi',
    '-i',
    'testsrc2=size=640x360:rate=25:duration=60',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=48000:duration=60',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);

/**
 * Silence and speech detection speed as multiples of real time (media seconds per wall second), and a
 * conversion through Framewise's job (probe, encoder check, progress, atomic output) against plain ffmpeg
 * with the same argument list.
 */
export const audioBench: BenchModule = {
  name: 'audio',
  async run() {
    const rows: BenchRow[] = [];
    const ffmpeg = await Ffmpeg.create();
    const file = await fiveMinutes();
    const info = await ffmpeg.probe(file);
    const loud = await time(() => detectByLoudness(ffmpeg, file, info, loudnessOptionsSchema.parse({})));
    rows.push(
      ratioRow('audio', 'silence detection speed (× real time, 5 min clip)', info.duration / loud.seconds, { op: '>=', value: 20 }),
    );
    const speech = await time(() => detectBySpeech(ffmpeg, file, info, { margin: 0.2, minCut: 0.2 }));
    rows.push(
      ratioRow(
        'audio',
        'speech detection speed (× real time, Silero VAD)',
        info.duration / speech.seconds,
        { op: '>=', value: 20 },
        'real-time factor ≤ 0.05',
      ),
    );

    const src = await convertSource();
    const lib = await openTempCore();
    try {
      const preset = builtinPreset('mp4-h264')!;
      const srcInfo = await ffmpeg.probe(src);
      const colour = await probeColour(ffmpeg, src);
      const plainOut = path.join(lib.dataDir, 'plain.mp4');
      const { args } = convertArgs(
        src,
        plainOut,
        {
          kind: 'video',
          container: '.mp4',
          videoEncoder: preset.videoEncoder!,
          videoArgs: preset.videoArgs!(23),
          audioEncoder: 'aac',
          audioArgs: preset.audioArgs!,
          muxArgs: preset.muxArgs!,
          audio: true,
          strip: [],
        },
        srcInfo,
        colour,
      );
      // The machine is shared: the two sides run interleaved, and besides wall-clock time each side's CPU
      // seconds count (this process — the core, its job runner and progress handling — plus the children it
      // reaped: ffmpeg, and the job's ffprobe runs), which a loaded machine distorts far less. The wall ratio is
      // fastest ÷ fastest with each pair's own ratio as the spread, so a run disturbed on one side only shows.
      const plain: number[] = [];
      const framewise: number[] = [];
      const plainCpu: number[] = [];
      const framewiseCpu: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await rm(plainOut, { force: true });
        let c0 = cpuSeconds();
        plain.push((await time(() => ffmpeg.run(args))).seconds);
        plainCpu.push(cpuSeconds() - c0);
        const out = path.join(lib.dataDir, `fw-${i}.mp4`);
        c0 = cpuSeconds();
        framewise.push(
          (
            await time(async () => {
              const started = await lib.core.call('convert.start', { inputs: [src], preset: 'mp4-h264', output: out });
              const job = await lib.core.services.jobs.waitFor(started.jobs[0]!.jobId, 600_000);
              if (job.state !== 'succeeded') throw new Error(`convert ${job.state}: ${job.error?.message}`);
            })
          ).seconds,
        );
        framewiseCpu.push(cpuSeconds() - c0);
      }
      // The same ffmpeg work plus Framewise's: the margin is 10 % of the allowed overhead (≤ 1.045), not ÷ 1.1.
      rows.push(
        asOverhead(
          ratioOfRuns(
            'convert',
            'mp4-h264 via Framewise vs plain ffmpeg, same arguments',
            framewise,
            plain,
            { op: '<=', value: 1.05 },
            `best of ${RUNS} interleaved: ${Math.min(...framewise).toFixed(1)} s vs ${Math.min(...plain).toFixed(1)} s`,
          ),
        ),
        asOverhead(
          ratioOfRuns(
            'convert',
            'mp4-h264 via Framewise vs plain ffmpeg, CPU seconds',
            framewiseCpu,
            plainCpu,
            { op: '<=', value: 1.05 },
            `user+sys of this process and its children: ${Math.min(...framewiseCpu).toFixed(1)} s vs ${Math.min(...plainCpu).toFixed(1)} s`,
          ),
        ),
      );
    } finally {
      await lib.close();
    }
    return rows;
  },
};
