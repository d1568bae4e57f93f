import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { FramewiseError } from '../util/errors.js';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);

export type BinarySource = 'explicit' | 'env' | 'bundled' | 'system';

export interface ToolBinary {
  path: string;
  version: string;
  source: BinarySource;
}

export interface FfmpegTools {
  ffmpeg: ToolBinary;
  ffprobe: ToolBinary;
}

/** In a packaged Electron app the binaries live in app.asar.unpacked, not inside the archive. */
function unpacked(p: string): string {
  return p.replace(/([\\/])app\.asar([\\/])/, '$1app.asar.unpacked$2');
}

function bundledPath(pkg: '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe'): string | null {
  try {
    const mod = require(pkg) as { path?: string };
    if (mod.path && existsSync(unpacked(mod.path))) return unpacked(mod.path);
  } catch {
    /* not installed for this platform */
  }
  return null;
}

function candidates(tool: 'ffmpeg' | 'ffprobe', explicit?: string): Array<{ path: string; source: BinarySource }> {
  const list: Array<{ path: string; source: BinarySource }> = [];
  if (explicit) return [{ path: explicit, source: 'explicit' }];
  const env = tool === 'ffmpeg' ? process.env.FRAMEWISE_FFMPEG : process.env.FRAMEWISE_FFPROBE;
  if (env) return [{ path: env, source: 'env' }];
  const bundled = bundledPath(tool === 'ffmpeg' ? '@ffmpeg-installer/ffmpeg' : '@ffprobe-installer/ffprobe');
  if (bundled) list.push({ path: bundled, source: 'bundled' });
  list.push({ path: tool, source: 'system' });
  return list;
}

async function versionOf(binary: string): Promise<string> {
  const { stdout } = await execFileAsync(binary, ['-hide_banner', '-version'], { timeout: 15000 });
  const first = stdout.split('\n')[0] ?? '';
  const m = /version\s+(\S+)/.exec(first);
  return m?.[1] ?? first.trim();
}

async function locate(tool: 'ffmpeg' | 'ffprobe', explicit?: string): Promise<ToolBinary> {
  const tried: string[] = [];
  for (const c of candidates(tool, explicit)) {
    try {
      const version = await versionOf(c.path);
      return { path: c.path, version, source: c.source };
    } catch (err) {
      tried.push(`${c.path} (${c.source}): ${(err as Error).message.split('\n')[0]}`);
    }
  }
  throw new FramewiseError(
    'ffmpeg_missing',
    `No working ${tool} found. Tried: ${tried.join('; ')}. Set FRAMEWISE_${tool.toUpperCase()} to a ${tool} binary.`,
  );
}

const cache = new Map<string, Promise<FfmpegTools>>();

/**
 * Find ffmpeg and ffprobe: an explicit path (setting or flag), then FRAMEWISE_FFMPEG / FRAMEWISE_FFPROBE,
 * then the npm-packaged static builds, then the system PATH. Each is checked by running `-version`.
 */
export function resolveFfmpegTools(opts: { ffmpeg?: string; ffprobe?: string } = {}): Promise<FfmpegTools> {
  const key = `${opts.ffmpeg ?? ''}|${opts.ffprobe ?? ''}|${process.env.FRAMEWISE_FFMPEG ?? ''}|${process.env.FRAMEWISE_FFPROBE ?? ''}`;
  let found = cache.get(key);
  if (!found) {
    found = Promise.all([locate('ffmpeg', opts.ffmpeg), locate('ffprobe', opts.ffprobe)]).then(([ffmpeg, ffprobe]) => ({
      ffmpeg,
      ffprobe,
    }));
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}
