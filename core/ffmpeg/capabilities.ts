import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';

const execFileAsync = promisify(execFile);

/** What one ffmpeg (or ffprobe) binary is and can do: read once per binary and mtime, then cached. */
export const binaryCapabilitiesSchema = z.object({
  /** The version as the binary prints it (`5.1.9-0+deb12u1`, `N-47683-g0e8eb07980-static`). */
  version: z.string(),
  /** major.minor of a release build, or the release a git build's libavcodec matches; null when unknown. */
  release: z.tuple([z.number().int(), z.number().int()]).nullable(),
  /** The last year of the copyright line: the year the build was made. */
  buildYear: z.number().int().nullable(),
  encoders: z.array(z.string()),
  decoders: z.array(z.string()),
  filters: z.array(z.string()),
});
export type BinaryCapabilities = z.infer<typeof binaryCapabilitiesSchema>;

const cacheEntrySchema = z.object({ mtimeMs: z.number(), size: z.number(), caps: binaryCapabilitiesSchema });
const cacheFileSchema = z.record(z.string(), cacheEntrySchema);

/** libavcodec major.minor of each ffmpeg release, to place git builds (`N-12345-g…`) on the release line. */
const LIBAVCODEC_RELEASES: Array<[number, number, [number, number]]> = [
  [62, 11, [8, 0]],
  [61, 19, [7, 1]],
  [61, 3, [7, 0]],
  [60, 31, [6, 1]],
  [60, 3, [6, 0]],
  [59, 37, [5, 1]],
  [59, 18, [5, 0]],
  [58, 134, [4, 4]],
  [58, 91, [4, 3]],
  [58, 54, [4, 2]],
  [58, 35, [4, 1]],
];

export function parseVersionOutput(text: string): Pick<BinaryCapabilities, 'version' | 'release' | 'buildYear'> {
  const first = text.split('\n')[0] ?? '';
  const version = /version\s+(\S+)/.exec(first)?.[1] ?? first.trim();
  const year = /Copyright \(c\) \d{4}-(\d{4})/.exec(first)?.[1];
  let release: [number, number] | null = null;
  const numeric = /^n?(\d+)\.(\d+)/.exec(version);
  if (numeric) release = [Number(numeric[1]), Number(numeric[2])];
  else {
    const lavc = /libavcodec\s+(\d+)\.\s*(\d+)\./.exec(text);
    if (lavc) {
      const [maj, min] = [Number(lavc[1]), Number(lavc[2])];
      const hit = LIBAVCODEC_RELEASES.find(([m, n]) => maj > m || (maj === m && min >= n));
      release = hit ? hit[2] : null;
    }
  }
  return { version, release, buildYear: year ? Number(year) : null };
}

/** Names from `ffmpeg -encoders` / `-decoders` (" V....D libx264  …") or `-filters` (" ... drawbox  V->V  …"). */
export function parseCodecList(text: string): string[] {
  const names: string[] = [];
  let started = false;
  for (const line of text.split('\n')) {
    if (!started) {
      if (/^\s*-+\s*$/.test(line)) started = true;
      continue;
    }
    const m = /^\s*[A-Z.]{6}\s+(\S+)/.exec(line);
    if (m?.[1]) names.push(m[1]);
  }
  return names;
}

export function parseFilterList(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*[TSC.|]{2,3}\s+(\S+)\s+\S*->\S*/.exec(line);
    if (m?.[1]) names.push(m[1]);
  }
  return names;
}

async function output(binary: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(binary, ['-hide_banner', ...args], { timeout: 20000, maxBuffer: 8 << 20 });
  return stdout;
}

/** Run the binary to read its version and (for ffmpeg) the encoders, decoders and filters it was built with. */
export async function inspectBinary(binary: string, tool: 'ffmpeg' | 'ffprobe'): Promise<BinaryCapabilities> {
  const versionText = await output(binary, ['-version']);
  const base = parseVersionOutput(versionText);
  if (tool === 'ffprobe') return { ...base, encoders: [], decoders: [], filters: [] };
  const [enc, dec, fil] = await Promise.all([output(binary, ['-encoders']), output(binary, ['-decoders']), output(binary, ['-filters'])]);
  return { ...base, encoders: parseCodecList(enc), decoders: parseCodecList(dec), filters: parseFilterList(fil) };
}

/** Where the capability cache lives: FRAMEWISE_CACHE_DIR, else the OS's per-user cache folder. */
export function cacheDir(): string {
  if (process.env.FRAMEWISE_CACHE_DIR) return path.resolve(process.env.FRAMEWISE_CACHE_DIR);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.LOCALAPPDATA ?? path.join(home, 'AppData', 'Local'), 'Framewise', 'Cache');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'Framewise');
  return path.join(process.env.XDG_CACHE_HOME ?? path.join(home, '.cache'), 'framewise');
}

const memory = new Map<string, Promise<BinaryCapabilities>>();

function readCache(file: string): z.infer<typeof cacheFileSchema> {
  try {
    const parsed = cacheFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

/**
 * One binary's entry. Only that entry is validated: every process reads it at start, and the file holds an entry
 * for each ffmpeg ever run (~1,300 names each), so validating all of it cost tens of ms per `framewise` start.
 */
function readCacheEntry(file: string, key: string): z.infer<typeof cacheEntrySchema> | undefined {
  try {
    const all = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    if (!all || typeof all !== 'object' || !Object.hasOwn(all, key)) return undefined;
    const parsed = cacheEntrySchema.safeParse((all as Record<string, unknown>)[key]);
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file: string, key: string, entry: z.infer<typeof cacheEntrySchema>): void {
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    // Entries of binaries that are gone (temporary copies) are dropped, so the file does not grow without end.
    const kept = Object.entries(readCache(file)).filter(([k]) => existsSync(k.slice(k.indexOf('|') + 1)));
    const all = { ...Object.fromEntries(kept), [key]: entry };
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, JSON.stringify(all));
    renameSync(tmp, file);
  } catch {
    /* a cache that cannot be written only costs a re-check next start */
  }
}

/**
 * The capabilities of `binary` (an absolute path), cached in memory and on disk per path, mtime and size:
 * a replaced or upgraded binary is checked again.
 */
export function binaryCapabilities(binary: string, tool: 'ffmpeg' | 'ffprobe'): Promise<BinaryCapabilities> {
  const st = statSync(binary);
  const key = `${tool}|${binary}|${st.mtimeMs}|${st.size}`;
  let found = memory.get(key);
  if (found) return found;
  const file = path.join(cacheDir(), 'ffmpeg-capabilities.json');
  const cached = readCacheEntry(file, `${tool}|${binary}`);
  if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) found = Promise.resolve(cached.caps);
  else {
    found = inspectBinary(binary, tool).then((caps) => {
      writeCache(file, `${tool}|${binary}`, { mtimeMs: st.mtimeMs, size: st.size, caps });
      return caps;
    });
    found.catch(() => memory.delete(key));
  }
  memory.set(key, found);
  return found;
}
