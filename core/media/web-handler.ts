import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { planMediaResponse } from './range.js';
import { parseMediaTarget, type MediaTarget } from './targets.js';

/** Look a target up in the library: the core's `mediaPath` (throws for anything not in the library). */
export type MediaLookup = (target: MediaTarget) => Promise<{ path: string; contentType: string }>;

/**
 * A fetch-style handler (Request → Response) for media URLs such as `framewise-media://video/12`.
 * Electron's `protocol.handle` calls it; it is plain web-standard code, so it runs (and is tested) in Node.
 * Only library items resolve; Range requests are answered with 206 and a streamed slice of the file.
 */
export async function handleMediaRequest(request: Request, lookup: MediaLookup): Promise<Response> {
  const method = request.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response('Bad URL', { status: 400 });
  }
  // framewise-media://video/12 → host "video", path "/12"; also accept framewise-media:///video/12.
  const tail = `${url.host}/${url.pathname}`.replace(/\/+/g, '/');
  const target = parseMediaTarget(tail);
  if (!target || url.search || url.username || url.password) return new Response('Not found', { status: 404 });
  let file: { path: string; contentType: string };
  let size: number;
  try {
    file = await lookup(target);
    const st = await stat(file.path);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    return new Response('Not found', { status: 404 });
  }
  const plan = planMediaResponse({ size, contentType: file.contentType, range: request.headers.get('range'), method });
  if (!plan.body) return new Response(null, { status: plan.status, headers: plan.headers });
  const stream = createReadStream(file.path, { start: plan.body.start, end: plan.body.end, highWaterMark: 1 << 20 });
  return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, { status: plan.status, headers: plan.headers });
}
