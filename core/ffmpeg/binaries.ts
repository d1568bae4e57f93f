import { accessSync, constants, existsSync, realpathSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { FramewiseError } from '../util/errors.js';
import { binaryCapabilities, type BinaryCapabilities } from './capabilities.js';
import { FFMPEG_FEATURES, FfmpegFeatures } from './features.js';

const require = createRequire(import.meta.url);

/**
 * Where a binary came from: `explicit` = the ffmpegPath/ffprobePath setting or the --ffmpeg/--ffprobe flag,
 * `env` = FRAMEWISE_FFMPEG / FRAMEWISE_FFPROBE, `packaged` = the packaged app's own (resources/ffmpeg),
 * `system` = the PATH, `bundled` = the npm-installed static build (@ffmpeg-installer, @ffprobe-installer).
 */
export type BinarySource = 'explicit' | 'env' | 'packaged' | 'system' | 'bundled';
type Tool = 'ffmpeg' | 'ffprobe';

/** The oldest release a PATH ffmpeg may be to be preferred over the bundled build. */
export const MIN_SYSTEM_RELEASE: readonly [number, number] = [5, 1];
/** Builds from before this year get a warning: years of published decoder fixes are missing. */
export const OLD_BUILD_YEAR = 2022;

export interface ToolBinary {
  path: string;
  version: string;
  source: BinarySource;
  /** Year the build was made (from its copyright line), null when it does not say. */
  buildYear: number | null;
  /** The release (major, minor) it is or matches (`BinaryCapabilities.release`), null when unknown. */
  release: [number, number] | null;
  /** Why this binary was chosen, in one sentence. */
  reason: string;
}

export interface FfmpegTools {
  ffmpeg: ToolBinary;
  ffprobe: ToolBinary;
  /** What the chosen ffmpeg can do (encoders, decoders, filters, features). */
  features: FfmpegFeatures;
  /** Old builds, disabled features: shown by `framewise status` and the Settings screen. */
  warnings: string[];
  /**
   * An ffmpeg for input this program wrote itself (raw RGB of a thumbnail encoded as a JPEG), never a user's
   * file: its decoders' age does not matter there, only how fast it starts. The npm-bundled static build when the
   * chosen ffmpeg came from the PATH: Debian's 5.1 loads 215 shared libraries, 0.21 CPU-s per start against
   * 0.02 for the static build (same JPEG bytes but its version comment). Null: the chosen ffmpeg does it.
   */
  ownPixelsFfmpeg?: string | null;
}

interface Candidate {
  source: BinarySource;
  path: string;
}

const EXE = process.platform === 'win32' ? '.exe' : '';

/** In a packaged Electron app the npm binaries live in app.asar.unpacked, not inside the archive. */
function unpacked(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function runnable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function bundledPath(tool: Tool): string | null {
  try {
    const mod = require(tool === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe') as { path?: string };
    if (mod.path && existsSync(unpacked(mod.path))) return unpacked(mod.path);
  } catch {
    /* not installed for this platform */
  }
  return null;
}

/** The packaged app ships ffmpeg/ffprobe in <resources>/ffmpeg/ (see packaging/ffmpeg-binaries.json). */
function packagedPath(tool: Tool): string | null {
  if (!process.versions.electron) return null;
  // process.resourcesPath in Electron processes; beside the executable otherwise (Contents/Resources on macOS).
  const exeDir = path.dirname(process.execPath);
  const resources =
    (process as { resourcesPath?: string }).resourcesPath ??
    (process.platform === 'darwin' ? path.join(exeDir, '..', 'Resources') : path.join(exeDir, 'resources'));
  const p = path.join(resources, 'ffmpeg', tool + EXE);
  return runnable(p) ? p : null;
}

export function findOnPath(tool: string, pathVar = process.env.PATH ?? ''): string | null {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, tool + EXE);
    if (runnable(p)) return p;
  }
  return null;
}

/** A binary given as a bare name is looked up on PATH; paths are made absolute (the cache key). */
function absolute(p: string): string {
  if (!p.includes('/') && !p.includes('\\')) return findOnPath(p) ?? p;
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function atLeast(release: [number, number] | null, min: readonly [number, number]): boolean {
  return release !== null && (release[0] > min[0] || (release[0] === min[0] && release[1] >= min[1]));
}

function describe(c: Candidate, caps: BinaryCapabilities): string {
  return `${c.path} (${caps.version}${caps.buildYear ? `, ${caps.buildYear}` : ''})`;
}

async function inspect(tool: Tool, c: Candidate): Promise<BinaryCapabilities> {
  try {
    return await binaryCapabilities(absolute(c.path), tool);
  } catch (err) {
    throw new Error(`${c.path} (${c.source}): ${(err as Error).message.split('\n')[0]}`);
  }
}

function toBinary(c: Candidate, caps: BinaryCapabilities, reason: string): ToolBinary {
  return { path: absolute(c.path), version: caps.version, source: c.source, buildYear: caps.buildYear, release: caps.release, reason };
}

/** The automatic order after explicit/env: the packaged app's own, a current PATH ffmpeg, the npm build. */
function automatic(tool: Tool): Candidate[] {
  const list: Candidate[] = [];
  const packaged = packagedPath(tool);
  if (packaged) list.push({ source: 'packaged', path: packaged });
  const system = findOnPath(tool);
  if (system) list.push({ source: 'system', path: system });
  const bundled = bundledPath(tool);
  if (bundled) list.push({ source: 'bundled', path: bundled });
  return list;
}

/** Why a PATH ffmpeg is not used, or null when it qualifies (release ≥ 5.1 and the core capabilities). */
function systemRejection(caps: BinaryCapabilities, tool: Tool): string | null {
  if (!atLeast(caps.release, MIN_SYSTEM_RELEASE)) return `older than ${MIN_SYSTEM_RELEASE.join('.')}`;
  if (tool === 'ffprobe') return null;
  const core = new FfmpegFeatures(caps).check(FFMPEG_FEATURES.core);
  return core.available ? null : `lacks ${core.missing.join(', ')}`;
}

async function chooseFfmpeg(explicit: Candidate | null): Promise<{ c: Candidate; caps: BinaryCapabilities; reason: string }> {
  if (explicit) {
    try {
      const caps = await inspect('ffmpeg', explicit);
      const how = explicit.source === 'env' ? 'FRAMEWISE_FFMPEG' : 'the ffmpegPath setting or --ffmpeg';
      return { c: explicit, caps, reason: `set by ${how}` };
    } catch (err) {
      throw missing('ffmpeg', [(err as Error).message]);
    }
  }
  const tried: string[] = [];
  const passed: string[] = [];
  for (const c of automatic('ffmpeg')) {
    let caps: BinaryCapabilities;
    try {
      caps = await inspect('ffmpeg', c);
    } catch (err) {
      tried.push((err as Error).message);
      continue;
    }
    if (c.source === 'system') {
      const why = systemRejection(caps, 'ffmpeg');
      if (why) {
        passed.push(`the PATH ffmpeg ${describe(c, caps)} is ${why.startsWith('older') ? why : `not used: it ${why}`}`);
        continue;
      }
      return {
        c,
        caps,
        reason: `the PATH ffmpeg is ${caps.release?.join('.')} (≥ ${MIN_SYSTEM_RELEASE.join('.')}) and passed the capability check, so it is preferred over the npm-bundled build`,
      };
    }
    if (c.source === 'packaged') return { c, caps, reason: "the packaged app's own ffmpeg" };
    const note = passed.length ? `; ${passed.join('; ')}` : '; no ffmpeg on PATH';
    return { c, caps, reason: `the npm-bundled build (fallback${note})` };
  }
  throw missing('ffmpeg', [...tried, ...passed]);
}

function missing(tool: Tool, tried: string[]): FramewiseError {
  return new FramewiseError(
    'ffmpeg_missing',
    `No working ${tool} found. Tried: ${tried.join('; ') || 'nothing found'}. Install ffmpeg 5.1 or newer, or set FRAMEWISE_${tool.toUpperCase()} to a ${tool} binary.`,
  );
}

/** ffprobe is taken from where ffmpeg came from (same folder or same source) unless it is given explicitly. */
async function chooseFfprobe(
  explicit: Candidate | null,
  ffmpeg: Candidate,
): Promise<{ c: Candidate; caps: BinaryCapabilities; reason: string }> {
  if (explicit) {
    try {
      const caps = await inspect('ffprobe', explicit);
      return {
        c: explicit,
        caps,
        reason: `set by ${explicit.source === 'env' ? 'FRAMEWISE_FFPROBE' : 'the ffprobePath setting or --ffprobe'}`,
      };
    } catch (err) {
      throw missing('ffprobe', [(err as Error).message]);
    }
  }
  const tried: string[] = [];
  const sibling = path.join(path.dirname(absolute(ffmpeg.path)), 'ffprobe' + EXE);
  const order: Candidate[] = [];
  if (runnable(sibling)) order.push({ source: ffmpeg.source, path: sibling });
  const auto = automatic('ffprobe');
  order.push(...auto.filter((c) => c.source === ffmpeg.source), ...auto.filter((c) => c.source !== ffmpeg.source));
  for (const c of order) {
    try {
      const caps = await inspect('ffprobe', c);
      if (c.source === 'system' && ffmpeg.source !== 'system' && systemRejection(caps, 'ffprobe')) continue;
      const paired = c.source === ffmpeg.source || c.path === sibling;
      return {
        c,
        caps,
        reason: paired ? `paired with the chosen ffmpeg (${c.source})` : `no ffprobe beside the chosen ffmpeg; ${c.source} ffprobe used`,
      };
    } catch (err) {
      tried.push((err as Error).message);
    }
  }
  throw missing('ffprobe', tried);
}

function warningsFor(ffmpeg: ToolBinary, ffprobe: ToolBinary, features: FfmpegFeatures): string[] {
  const warnings: string[] = [];
  for (const [tool, b] of [
    ['ffmpeg', ffmpeg],
    ['ffprobe', ffprobe],
  ] as const) {
    if (b.buildYear !== null && b.buildYear < OLD_BUILD_YEAR)
      warnings.push(
        `${tool} ${b.version} (${b.source}: ${b.path}) is a build from ${b.buildYear}, older than ${OLD_BUILD_YEAR}: it lacks years of published decoder security fixes. Install ffmpeg 5.1 or newer (it is preferred automatically) or point FRAMEWISE_${tool.toUpperCase()} at a current build.`,
      );
  }
  for (const [feature, s] of Object.entries(features.all()))
    if (!s.available) warnings.push(`${feature} is disabled: ffmpeg lacks ${s.missing.join(', ')}`);
  return warnings;
}

const cache = new Map<string, Promise<FfmpegTools>>();

/**
 * Choose ffmpeg and ffprobe (as a pair where possible): an explicit path (setting or flag), then
 * FRAMEWISE_FFMPEG / FRAMEWISE_FFPROBE, then the packaged app's own, then a PATH ffmpeg ≥ 5.1 that passes the
 * capability check, then the npm-bundled build. Every candidate is checked by running it (cached per binary
 * and mtime, see capabilities.ts).
 */
export function resolveFfmpegTools(opts: { ffmpeg?: string; ffprobe?: string } = {}): Promise<FfmpegTools> {
  const env = { ffmpeg: process.env.FRAMEWISE_FFMPEG, ffprobe: process.env.FRAMEWISE_FFPROBE };
  const key = JSON.stringify([opts.ffmpeg, opts.ffprobe, env.ffmpeg, env.ffprobe, process.env.PATH]);
  let found = cache.get(key);
  if (!found) {
    const pick = (tool: Tool): Candidate | null =>
      opts[tool] ? { source: 'explicit', path: opts[tool] } : env[tool] ? { source: 'env', path: env[tool] } : null;
    found = (async () => {
      const f = await chooseFfmpeg(pick('ffmpeg'));
      const p = await chooseFfprobe(pick('ffprobe'), f.c);
      const ffmpeg = toBinary(f.c, f.caps, f.reason);
      const ffprobe = toBinary(p.c, p.caps, p.reason);
      const features = new FfmpegFeatures(f.caps, ffmpeg.path);
      const ownPixelsFfmpeg = f.c.source === 'system' ? bundledPath('ffmpeg') : null;
      return { ffmpeg, ffprobe, features, warnings: warningsFor(ffmpeg, ffprobe, features), ownPixelsFfmpeg };
    })();
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}
