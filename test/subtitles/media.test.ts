import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createTesseractReader } from '../helpers/tesseract-reader.js';
import { parseSubtitleFile } from '../../core/subtitles/parse.js';
import { importAndWait, openTempCore, tempDir } from '../helpers/library.js';
import { ffmpeg, ffmpegPath, ffprobePath, generated, lavfi, media } from '../helpers/media.js';
import { ass, expectedCues, srt } from './samples.js';

const run = promisify(execFile);
const span = (cues: Array<{ startMs: number; endMs: number; text: string }>) => cues.map((c) => `${c.startMs}-${c.endMs} ${c.text}`);

/** A PGS (Blu-ray bitmap) subtitle stream: two empty display sets, enough for ffprobe to name the codec. */
function pgsSup(file: string) {
  const seg = (type: number, data: Buffer, pts: number) => {
    const h = Buffer.alloc(13);
    h.write('PG', 0, 'latin1');
    h.writeUInt32BE(pts, 2);
    h.writeUInt32BE(0, 6);
    h.writeUInt8(type, 10);
    h.writeUInt16BE(data.length, 11);
    return Buffer.concat([h, data]);
  };
  const pcs = Buffer.from([1, 64, 0, 240, 0x10, 0, 0, 0x80, 0, 0, 0]);
  writeFileSync(
    file,
    Buffer.concat([seg(0x16, pcs, 0), seg(0x80, Buffer.alloc(0), 0), seg(0x16, pcs, 180000), seg(0x80, Buffer.alloc(0), 180000)]),
  );
}

async function probeSubs(file: string) {
  const { stdout } = await run(await ffprobePath(), ['-v', 'error', '-show_streams', '-of', 'json', file]);
  return (
    JSON.parse(stdout) as { streams: Array<{ index: number; codec_type: string; codec_name: string; tags?: Record<string, string> }> }
  ).streams;
}

/** A subtitle stream read back with ffmpeg, times counted from the first video frame (as Framewise counts). */
async function extract(file: string, index: number, as: 'srt' | 'ass') {
  const { stdout } = await run(await ffmpegPath(), ['-v', 'error', '-i', file, '-map', `0:${index}`, '-c:s', as, '-f', as, 'pipe:1'], {
    maxBuffer: 1 << 24,
  });
  const start = await run(await ffprobePath(), [
    '-v',
    'error',
    '-select_streams',
    'v:0',
    '-show_entries',
    'stream=start_time',
    '-of',
    'csv=p=0',
    file,
  ]);
  const offset = Math.round(Number(start.stdout.trim()) * 1000);
  return parseSubtitleFile(Buffer.from(stdout), `x.${as}`).cues.map((c) => ({
    ...c,
    startMs: c.startMs - offset,
    endMs: c.endMs - offset,
  }));
}

test('embedded streams: SRT, ASS and mov_text listed and imported; PGS listed and refused clearly', async () => {
  const scratch = tempDir('framewise-subs-embedded-');
  const { core, close } = await openTempCore();
  try {
    const base = await media.mp4(10, 'subs-10s.mp4');
    const s = path.join(scratch.dir, 'a.srt');
    const a = path.join(scratch.dir, 'a.ass');
    const sup = path.join(scratch.dir, 'a.sup');
    writeFileSync(s, srt);
    writeFileSync(a, ass);
    pgsSup(sup);
    const mkv = path.join(scratch.dir, 'with-subs.mkv');
    await ffmpeg([
      '-i',
      base,
      '-i',
      s,
      '-i',
      a,
      '-i',
      sup,
      '-map',
      '0',
      '-map',
      '1',
      '-map',
      '2',
      '-map',
      '3',
      '-c',
      'copy',
      '-metadata:s:s:0',
      'language=ger',
      '-metadata:s:s:1',
      'title=Schilder',
      mkv,
    ]);
    const mp4 = path.join(scratch.dir, 'with-subs.mp4');
    await ffmpeg([
      '-i',
      base,
      '-i',
      s,
      '-map',
      '0',
      '-map',
      '1',
      '-c:v',
      'copy',
      '-c:a',
      'copy',
      '-c:s',
      'mov_text',
      '-metadata:s:s:0',
      'language=eng',
      mp4,
    ]);
    await importAndWait(core, [mkv, mp4]);
    const v = (await core.call('videos.resolve', { video: mkv })).videoId;
    const list = await core.call('subtitles.list', { video: v });
    assert.deepEqual(
      list.embedded.map((e) => [e.index, e.codec, e.language, e.importable]),
      [
        [2, 'subrip', 'ger', true],
        [3, 'ass', null, true],
        [4, 'hdmv_pgs_subtitle', null, false],
      ],
    );
    assert.match(list.embedded[2]!.reason!, /bitmap format .* cannot be edited as text/);
    await assert.rejects(core.call('subtitles.importStream', { video: v, stream: 4 }), /stream 4: hdmv_pgs_subtitle is a bitmap format/);

    const fromSrt = await core.call('subtitles.importStream', { video: v, stream: 2 });
    assert.equal(fromSrt.track.language, 'de');
    assert.equal(fromSrt.track.source, 'embedded');
    assert.deepEqual(span((await core.call('subtitles.cues', { video: v, track: fromSrt.track.id })).cues), span(expectedCues));
    const fromAss = await core.call('subtitles.importStream', { video: v, stream: 3 });
    assert.equal(fromAss.track.title, 'Schilder');
    const assCues = (await core.call('subtitles.cues', { video: v, track: fromAss.track.id })).cues;
    assert.equal(assCues[2]!.style, 'Sign');
    assert.equal(assCues[2]!.text, 'Oben: größer, mit Komma');

    const v2 = (await core.call('videos.resolve', { video: mp4 })).videoId;
    const movText = (await core.call('subtitles.list', { video: v2 })).embedded;
    assert.deepEqual(
      movText.map((e) => [e.codec, e.language]),
      [['mov_text', 'eng']],
    );
    const imported = await core.call('subtitles.importStream', { video: v2, stream: movText[0]!.index });
    assert.equal(imported.track.language, 'en');
    // mov_text keeps no styling; times and text survive.
    assert.deepEqual(
      (await core.call('subtitles.cues', { video: v2, track: imported.track.id })).cues.map((c) => [c.startMs, c.endMs]),
      expectedCues.map((c) => [c.startMs, c.endMs]),
    );
  } finally {
    await close();
    scratch.cleanup();
  }
});

test('mux into MKV (SRT + ASS) and MP4 (mov_text) without re-encoding; tracks read back with ffprobe/ffmpeg', async () => {
  const scratch = tempDir('framewise-subs-mux-');
  const { core, close } = await openTempCore();
  try {
    const video = await media.mp4(10, 'subs-10s.mp4');
    await importAndWait(core, [video]);
    const v = (await core.call('videos.resolve', { video })).videoId;
    writeFileSync(path.join(scratch.dir, 'a.srt'), srt);
    writeFileSync(path.join(scratch.dir, 'a.ass'), ass);
    const de = await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'a.srt'), language: 'de', title: 'Deutsch' });
    await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'a.ass'), language: 'en', title: 'Signs' });
    await core.call('subtitles.update', {
      video: v,
      track: de.track.id,
      id: (await core.call('subtitles.cues', { video: v, track: de.track.id })).cues[0]!.id,
      text: 'Geändert: Grüße',
    });

    const mkv = path.join(scratch.dir, 'out.mkv');
    const { job } = await core.call('subtitles.mux', { video: v, output: mkv });
    const done = await core.services.jobs.waitFor(job.id, 120_000);
    assert.equal(done.state, 'succeeded', done.error?.message);
    const streams = await probeSubs(mkv);
    const orig = await probeSubs(video);
    assert.deepEqual(
      streams.map((s) => s.codec_name),
      [...orig.map((s) => s.codec_name), 'subrip', 'ass'],
    );
    assert.deepEqual(
      streams.filter((s) => s.codec_type === 'subtitle').map((s) => [s.tags?.language, s.tags?.title]),
      [
        ['ger', 'Deutsch'],
        ['eng', 'Signs'],
      ],
    );
    const back = await extract(mkv, 2, 'srt');
    assert.deepEqual(span(back), span([{ ...expectedCues[0]!, text: 'Geändert: Grüße' }, ...expectedCues.slice(1)]));
    assert.equal(back[2]!.align, 8);
    const backAss = await extract(mkv, 3, 'ass');
    assert.deepEqual(
      backAss.map((c) => c.style),
      ['Default', 'Default', 'Sign'],
    );

    // The video stream is copied: the same packets (sizes) as the original.
    const packets = async (f: string) =>
      (await run(await ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=size', '-of', 'csv=p=0', f]))
        .stdout;
    assert.equal(await packets(mkv), await packets(video));

    const mp4 = path.join(scratch.dir, 'out.mp4');
    const j2 = await core.call('subtitles.mux', { video: v, output: mp4, tracks: [de.track.id] });
    assert.equal((await core.services.jobs.waitFor(j2.job.id, 120_000)).state, 'succeeded');
    const mp4Streams = await probeSubs(mp4);
    const sub = mp4Streams.find((s) => s.codec_type === 'subtitle')!;
    assert.equal(sub.codec_name, 'mov_text');
    assert.equal(sub.tags?.language, 'ger');
    assert.deepEqual(
      (await extract(mp4, sub.index, 'srt')).map((c) => [c.startMs, c.endMs, c.text.replace(/<\/?[ib]>/g, '')]),
      [
        [1000, 2500, 'Geändert: Grüße'],
        [3000, 4250, 'Straße und\nÜbermaß'],
        [5001, 6999, 'Oben: größer'],
      ],
    );
    assert.equal(await packets(mp4), await packets(video));

    // An existing output is never replaced; nothing half-written is left behind.
    await assert.rejects(core.call('subtitles.mux', { video: v, output: mp4 }), /already exists/);
    assert.deepEqual(readdirSync(scratch.dir).sort(), ['a.ass', 'a.srt', 'out.mkv', 'out.mp4']);
  } finally {
    await close();
    scratch.cleanup();
  }
});

test('burn-in with a style preset (libass, one pass): umlauts and ß read back from the frame; preview frame too', async () => {
  const scratch = tempDir('framewise-subs-burn-');
  const { core, close } = await openTempCore();
  const reader = await createTesseractReader();
  try {
    const video = await generated('subs-burn-4s-720p.mp4', (o) => [
      ...['-f', 'lavfi', '-i', 'color=c=0x336699:size=1280x720:rate=25:duration=4', ...lavfi.tone(4)],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', o],
    ]);
    await importAndWait(core, [video]);
    const v = (await core.call('videos.resolve', { video })).videoId;
    const text = '1\n00:00:00,500 --> 00:00:03,500\nGrüße und schöne Straße\n';
    writeFileSync(path.join(scratch.dir, 'u.srt'), text);
    const t = (await core.call('subtitles.import', { video: v, path: path.join(scratch.dir, 'u.srt') })).track.id;

    // OCR of the lower third, enlarged and turned dark-on-light (what Tesseract reads best).
    const read = async (png: Buffer) => {
      const src = path.join(scratch.dir, 'ocr-src.png');
      const prepared = path.join(scratch.dir, 'ocr.png');
      writeFileSync(src, png);
      await ffmpeg(['-i', src, '-vf', 'crop=iw:ih/3:0:ih*2/3,scale=iw*2:-1:flags=lanczos,format=gray,negate', '-frames:v', '1', prepared]);
      return (await reader.read(readFileSync(prepared)))
        .map((w) => w.text)
        .join(' ')
        .trim();
    };
    const preview = await core.call('subtitles.preview', { video: v, track: t, style: 'box', timeMs: 2000 });
    const previewPng = Buffer.from(preview.png.split(',')[1]!, 'base64');
    // ü and ß must be read exactly (a wrong charset or a missing glyph would not be); Tesseract sometimes reads ö as o.
    assert.match(await read(previewPng), /Grüße und sch[öo]ne Straße/);
    // Outside the cue the preview shows no text.
    const empty = await core.call('subtitles.preview', { video: v, track: t, style: 'box', timeMs: 3800 });
    assert.doesNotMatch(await read(Buffer.from(empty.png.split(',')[1]!, 'base64')), /Gr|Stra/);

    const out = path.join(scratch.dir, 'burned.mp4');
    const { job } = await core.call('subtitles.burn', { video: v, track: t, output: out, style: 'large' });
    const done = await core.services.jobs.waitFor(job.id, 180_000);
    assert.equal(done.state, 'succeeded', done.error?.message);
    const streams = await probeSubs(out);
    assert.deepEqual(
      streams.map((s) => s.codec_type),
      ['video', 'audio'],
    );
    const frame = path.join(scratch.dir, 'frame.png');
    await ffmpeg(['-ss', '2', '-i', out, '-frames:v', '1', frame]);
    assert.match(await read(readFileSync(frame)), /Grüße und sch[öo]ne Straße/);
  } finally {
    await reader.close();
    await close();
    scratch.cleanup();
  }
});
