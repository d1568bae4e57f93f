import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { resolveStatic } from '../core/bridge/static.js';
import { APP_HOST, CONTENT_SECURITY_POLICY } from './security.js';

/**
 * `framewise-app://app/…` → a file of the built renderer (dist/renderer), with the CSP on every response.
 * Anything outside that folder, another host, or a non-GET is refused.
 */
export async function handleAppRequest(request: Request, rendererDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405 });
  const url = new URL(request.url);
  if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
  const found = await resolveStatic(rendererDir, url.pathname);
  if (!found) return new Response('Not found', { status: 404 });
  const headers = {
    'Content-Type': found.contentType,
    'Content-Length': String(found.size),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers });
  return new Response(Readable.toWeb(createReadStream(found.file)) as ReadableStream<Uint8Array>, { status: 200, headers });
}
