import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { parseRange, planMediaResponse } from '../../core/media/range.js';
import { parseMediaTarget } from '../../core/media/targets.js';
import { handleMediaRequest } from '../../core/media/web-handler.js';
import { importAndWait, openTempCore } from '../helpers/library.js';
import { media } from '../helpers/media.js';

test('parseRange: single ranges, open ends, suffixes, and bad or unsatisfiable ranges', () => {
  assert.deepEqual(parseRange(undefined, 1000), { kind: 'full' });
  assert.deepEqual(parseRange('bytes=0-99', 1000), { kind: 'partial', start: 0, end: 99 });
  assert.deepEqual(parseRange('bytes=500-', 1000), { kind: 'partial', start: 500, end: 999 });
  assert.deepEqual(parseRange('bytes=-100', 1000), { kind: 'partial', start: 900, end: 999 });
  assert.deepEqual(parseRange('bytes=-5000', 1000), { kind: 'partial', start: 0, end: 999 });
  assert.deepEqual(parseRange('bytes=990-5000', 1000), { kind: 'partial', start: 990, end: 999 });
  // Offsets beyond 4 GiB (multi-GB files) stay exact.
  assert.deepEqual(parseRange('bytes=6000000000-6000000099', 8_000_000_000), { kind: 'partial', start: 6_000_000_000, end: 6_000_000_099 });
  for (const bad of ['bytes=1000-', 'bytes=1000-1001', 'bytes=5-2', 'bytes=-0', 'bytes=-', 'items=0-1', 'bytes=0-1,5-6', 'bytes=abc']) {
    assert.deepEqual(parseRange(bad, 1000), { kind: 'unsatisfiable' }, bad);
  }
});

test('planMediaResponse: 200 full, 206 with Content-Range, 416 with bytes */size, HEAD without body', () => {
  const full = planMediaResponse({ size: 10, contentType: 'video/mp4', range: null });
  assert.equal(full.status, 200);
  assert.equal(full.headers['Accept-Ranges'], 'bytes');
  assert.equal(full.headers['Content-Length'], '10');
  assert.deepEqual(full.body, { start: 0, end: 9 });
  const part = planMediaResponse({ size: 10, contentType: 'video/mp4', range: 'bytes=2-4' });
  assert.equal(part.status, 206);
  assert.equal(part.headers['Content-Range'], 'bytes 2-4/10');
  assert.equal(part.headers['Content-Length'], '3');
  const bad = planMediaResponse({ size: 10, contentType: 'video/mp4', range: 'bytes=10-' });
  assert.equal(bad.status, 416);
  assert.equal(bad.headers['Content-Range'], 'bytes */10');
  assert.equal(bad.body, null);
  assert.equal(planMediaResponse({ size: 10, contentType: 'video/mp4', range: 'bytes=0-1', method: 'HEAD' }).body, null);
});

test('parseMediaTarget accepts only kind/id, never paths', () => {
  assert.deepEqual(parseMediaTarget('video/12'), { kind: 'video', id: 12 });
  assert.deepEqual(parseMediaTarget('/artifact/7'), { kind: 'artifact', id: 7 });
  for (const bad of [
    'video/0',
    'video/-1',
    'video/1.5',
    'video/../../etc/passwd',
    '../video/1',
    'file/1',
    'video/1/2',
    'video/%2e%2e',
    'video/01',
    'video/99999999999999999999',
  ]) {
    assert.equal(parseMediaTarget(bad), null, bad);
  }
});

test(
  'media protocol handler (Electron framewise-media://) serves library files with Range and nothing else',
  { timeout: 120_000 },
  async (t) => {
    const lib = await openTempCore();
    t.after(() => lib.close());
    const file = await media.mp4(2);
    const [job] = await importAndWait(lib.core, [file]);
    assert.equal(job!.state, 'succeeded');
    const videoId = (job!.output as { videoId: number }).videoId;
    const bytes = await readFile(file);
    const lookup = (target: { kind: 'video' | 'artifact' | 'export' | 'clip'; id: number }) => lib.core.mediaPath(target);

    const whole = await handleMediaRequest(new Request(`framewise-media://video/${videoId}`), lookup);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.equal(whole.headers.get('content-type'), 'video/mp4');
    assert.ok(Buffer.from(await whole.arrayBuffer()).equals(bytes));

    const mid = Math.floor(bytes.length / 2);
    const part = await handleMediaRequest(
      new Request(`framewise-media://video/${videoId}`, { headers: { range: `bytes=${mid}-${mid + 999}` } }),
      lookup,
    );
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes ${mid}-${mid + 999}/${bytes.length}`);
    assert.ok(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(mid, mid + 1000)));

    const tail = await handleMediaRequest(new Request(`framewise-media://video/${videoId}`, { headers: { range: 'bytes=-10' } }), lookup);
    assert.equal(tail.status, 206);
    assert.ok(Buffer.from(await tail.arrayBuffer()).equals(bytes.subarray(bytes.length - 10)));

    const unsat = await handleMediaRequest(
      new Request(`framewise-media://video/${videoId}`, { headers: { range: `bytes=${bytes.length}-` } }),
      lookup,
    );
    assert.equal(unsat.status, 416);
    assert.equal(unsat.headers.get('content-range'), `bytes */${bytes.length}`);

    // Thumbnails (artifacts) are served too.
    const detail = await lib.core.call('videos.get', { video: videoId });
    const thumb = detail.artifacts.find((a) => a.kind === 'thumbnail')!;
    const img = await handleMediaRequest(new Request(`framewise-media://artifact/${thumb.id}`), lookup);
    assert.equal(img.status, 200);
    assert.equal(img.headers.get('content-type'), 'image/jpeg');

    // Not in the library, or not a library URL at all: 404, never a file from disk.
    for (const url of [
      `framewise-media://video/${videoId + 100}`,
      'framewise-media://video/..%2F..%2Fetc%2Fpasswd',
      'framewise-media:///etc/passwd',
      'framewise-media://file/1',
      `framewise-media://video/${videoId}?path=/etc/passwd`,
    ]) {
      const res = await handleMediaRequest(new Request(url), lookup);
      assert.equal(res.status, 404, url);
    }
    const post = await handleMediaRequest(new Request(`framewise-media://video/${videoId}`, { method: 'POST', body: 'x' }), lookup);
    assert.equal(post.status, 405);
  },
);
