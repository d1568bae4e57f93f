import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import { describe, it } from 'node:test';
import { resolveFfmpegTools } from '../../core/ffmpeg/binaries.js';
import { Ffmpeg } from '../../core/ffmpeg/index.js';
import { interpretProbe } from '../../core/ffmpeg/probe.js';
import { classifyFfmpegError } from '../../core/ffmpeg/process.js';
import { parseFraction, timeToFrame, frameToTime } from '../../core/util/fraction.js';
import { media } from '../helpers/media.js';

describe('ffmpeg module', () => {
  it('finds the npm-packaged ffmpeg and ffprobe and reports their versions', async () => {
    const tools = await resolveFfmpegTools();
    assert.ok(tools.ffmpeg.version.length > 0);
    assert.ok(['bundled', 'env', 'system'].includes(tools.ffmpeg.source));
  });

  it('uses FRAMEWISE_FFMPEG / FRAMEWISE_FFPROBE, and says clearly when they do not run', async () => {
    if (existsSync('/usr/bin/ffmpeg')) {
      const tools = await Ffmpeg.create({ ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe' });
      assert.equal(tools.tools.ffmpeg.source, 'explicit');
      assert.match(tools.tools.ffmpeg.version, /\d/);
      // The system ffmpeg works with the core too.
      const info = await tools.probe(await media.mp4(4));
      assert.equal(info.fps?.num, 25);
    }
    await assert.rejects(Ffmpeg.create({ ffmpeg: '/nonexistent/ffmpeg' }), /No working ffmpeg found.*\/nonexistent\/ffmpeg/);
  });

  it('parses exact fractions and converts time and frames (frames from 0)', () => {
    assert.deepEqual(parseFraction('30000/1001'), { num: 30000, den: 1001 });
    assert.deepEqual(parseFraction('50/2'), { num: 25, den: 1 });
    assert.equal(parseFraction('0/0'), null);
    const ntsc = { num: 30000, den: 1001 };
    assert.equal(timeToFrame(0, ntsc), 0);
    assert.equal(timeToFrame(frameToTime(1234, ntsc), ntsc), 1234);
    assert.equal(timeToFrame(frameToTime(1234, ntsc) - 1e-4, ntsc), 1233);
  });

  it('interprets rotation, cover art and audio-only streams', () => {
    const info = interpretProbe(
      {
        streams: [
          { index: 0, codec_type: 'video', codec_name: 'mjpeg', width: 600, height: 600, disposition: { attached_pic: 1 } },
          {
            index: 1,
            codec_type: 'video',
            codec_name: 'h264',
            width: 1920,
            height: 1080,
            avg_frame_rate: '30000/1001',
            r_frame_rate: '30000/1001',
            side_data_list: [{ rotation: -90 }],
          },
          { index: 2, codec_type: 'audio', codec_name: 'aac', channels: 6, sample_rate: '48000' },
        ],
        format: { format_name: 'mov,mp4', duration: '10.0' },
      },
      'x.mp4',
    );
    assert.equal(info.video?.index, 1, 'cover art is not the video');
    assert.deepEqual([info.video?.displayWidth, info.video?.displayHeight, info.video?.rotation], [1080, 1920, 90]);
    assert.equal(info.frameCountEstimate, 300);
    const audio = interpretProbe({ streams: [{ index: 0, codec_type: 'audio', codec_name: 'aac' }], format: { duration: '2' } }, 'a.m4a');
    assert.equal(audio.video, null);
  });

  it('classifies ffmpeg failures', () => {
    assert.equal(classifyFfmpegError('av_interleaved_write_frame(): No space left on device').code, 'disk_full');
    assert.equal(classifyFfmpegError('x.mp4: Invalid data found when processing input').code, 'not_media');
    assert.equal(classifyFfmpegError('[mov] moov atom not found').code, 'truncated');
  });

  it('streams progress and stops at once when aborted', async () => {
    const ff = await Ffmpeg.create();
    const file = await media.long1080(60);
    const controller = new AbortController();
    let progressed = 0;
    const run = ff.run(['-i', file, '-f', 'null', '-'], {
      signal: controller.signal,
      onProgress: (p) => {
        progressed++;
        if (p.outTime > 0.5) controller.abort();
      },
    });
    await assert.rejects(run, /Cancelled/);
    assert.ok(progressed > 0);
  });

  it('runs a filter graph longer than one argument may be (passed in a file, removed afterwards)', async () => {
    const ff = await Ffmpeg.create();
    // 2,000 time-ranged boxes ≈ 190 KB of -vf: above Linux's 128 KiB limit for one argument (spawn: E2BIG).
    const boxes = Array.from(
      { length: 2000 },
      (_, i) => `drawbox=x=${i % 300}:y=${i % 200}:w=20:h=10:color=black:t=fill:enable='between(n,${i},${i + 3})'`,
    );
    const graph = boxes.join(',');
    assert.ok(graph.length > 128 * 1024);
    const before = readdirSync(os.tmpdir()).filter((f) => f.startsWith('framewise-graph-')).length;
    const { stderr } = await ff.run(['-f', 'lavfi', '-i', 'color=c=white:s=320x240:r=25:d=0.2', '-vf', graph, '-f', 'null', '-']);
    assert.doesNotMatch(stderr, /error/i);
    const after = readdirSync(os.tmpdir()).filter((f) => f.startsWith('framewise-graph-')).length;
    assert.equal(after, before, 'the graph file is removed when ffmpeg ends');
  });
});
