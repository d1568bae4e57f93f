import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Who may talk to the bridge. The bridge serves patient data on loopback, so a web page the user visits
 * must not reach it: every request needs
 *  - a Host of exactly `127.0.0.1:<port>` or `localhost:<port>` (defeats DNS rebinding),
 *  - no Origin, or an Origin of this very server (defeats cross-site requests and WebSocket hijacking),
 *  - the per-start token (defeats other local users' browsers and guessing).
 *
 * Token transport (the documented choice): the printed URL carries `?token=…` once; the server answers that
 * first page load by setting a cookie `fw_token_<port>` (HttpOnly, SameSite=Strict, Path=/) and redirecting
 * to the same URL without the token, so the token leaves the address bar and history. Every later request
 * (assets, media for <video>, uploads, the WebSocket handshake) carries the cookie. Non-browser clients
 * may send the header `X-Framewise-Token` instead. The cookie name includes the port so two servers on
 * the same host never overwrite each other's cookie.
 */
export const TOKEN_HEADER = 'x-framewise-token';
export const TOKEN_QUERY = 'token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

export function cookieName(port: number): string {
  return `fw_token_${port}`;
}

/** Constant-time comparison (hashing first makes lengths equal, so length leaks nothing either). */
export function tokensEqual(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !out.has(k)) out.set(k, v);
  }
  return out;
}

export interface AuthInput {
  host: string | undefined;
  origin: string | undefined;
  cookie: string | undefined;
  headerToken: string | undefined;
  queryToken: string | null;
}

export type AuthResult = { ok: true; via: 'query' | 'cookie' | 'header' } | { ok: false; status: 401 | 403; reason: string };

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

/** Decide whether one HTTP request or WebSocket handshake may proceed. */
export function authorize(input: AuthInput, expected: { port: number; token: string }): AuthResult {
  const host = (input.host ?? '').toLowerCase();
  if (!allowedHosts(expected.port).includes(host)) return { ok: false, status: 403, reason: 'Host not allowed' };
  if (input.origin !== undefined && !allowedOrigins(expected.port).includes(input.origin.toLowerCase())) {
    return { ok: false, status: 403, reason: 'Origin not allowed' };
  }
  const candidates: Array<['query' | 'cookie' | 'header', string | undefined | null]> = [
    ['header', input.headerToken],
    ['cookie', parseCookies(input.cookie).get(cookieName(expected.port))],
    ['query', input.queryToken],
  ];
  let sawToken = false;
  for (const [via, value] of candidates) {
    if (value === undefined || value === null || value === '') continue;
    sawToken = true;
    if (tokensEqual(value, expected.token)) return { ok: true, via };
  }
  return { ok: false, status: 401, reason: sawToken ? 'Wrong token' : 'Missing token' };
}
