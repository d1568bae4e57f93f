/**
 * HTTP Range logic shared by the bridge's media endpoint and Electron's `framewise-media://` protocol.
 * Pure: no I/O. Only single byte ranges are honoured (what <video> sends); anything else that is not
 * a satisfiable single range is answered 416.
 */
export type RangeResult = { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

export function parseRange(header: string | null | undefined, size: number): RangeResult {
  if (header === null || header === undefined || header.trim() === '') return { kind: 'full' };
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m) return { kind: 'unsatisfiable' };
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return { kind: 'unsatisfiable' };
  if (a === '') {
    // Suffix range: the last N bytes.
    const n = Number(b);
    if (!Number.isSafeInteger(n) || n === 0 || size === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(a);
  if (!Number.isSafeInteger(start) || start >= size) return { kind: 'unsatisfiable' };
  let end = b === '' ? size - 1 : Number(b);
  if (!Number.isSafeInteger(end) || end < start) return { kind: 'unsatisfiable' };
  end = Math.min(end, size - 1);
  return { kind: 'partial', start, end };
}

export interface MediaResponsePlan {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** Byte span to send (inclusive end), or null for no body. */
  body: { start: number; end: number } | null;
}

/** Status, headers and byte span for a media request on a file of `size` bytes. */
export function planMediaResponse(opts: {
  size: number;
  contentType: string;
  range: string | null | undefined;
  method?: string;
}): MediaResponsePlan {
  const { size, contentType } = opts;
  const head = (opts.method ?? 'GET').toUpperCase() === 'HEAD';
  const common: Record<string, string> = {
    'Accept-Ranges': 'bytes',
    'Content-Type': contentType,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
  const r = parseRange(opts.range, size);
  if (r.kind === 'unsatisfiable') {
    return { status: 416, headers: { ...common, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' }, body: null };
  }
  if (r.kind === 'full') {
    return {
      status: 200,
      headers: { ...common, 'Content-Length': String(size) },
      body: head || size === 0 ? null : { start: 0, end: size - 1 },
    };
  }
  return {
    status: 206,
    headers: { ...common, 'Content-Range': `bytes ${r.start}-${r.end}/${size}`, 'Content-Length': String(r.end - r.start + 1) },
    body: head ? null : { start: r.start, end: r.end },
  };
}
