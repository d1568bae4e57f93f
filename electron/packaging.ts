/**
 * The packaged app's hardening and ffmpeg download config as data: checked by test/electron/packaging.test.ts
 * and used by scripts/fetch-ffmpeg.mjs (`npm run dist`). The configs themselves live in packaging/.
 */
import { z } from 'zod';

/**
 * Electron fuses flipped at packaging (electron-builder's `electronFuses`, applied with @electron/fuses):
 * no `ELECTRON_RUN_AS_NODE`, no NODE_OPTIONS, no --inspect, cookies encrypted, the app only from its asar and
 * the asar checked against its embedded hash.
 */
export const REQUIRED_FUSES = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  loadBrowserProcessSpecificV8Snapshot: false,
  grantFileProtocolExtraPrivileges: false,
} as const;

/** Platforms `npm run dist` builds for, as `${process.platform}-${process.arch}`. */
export const PACKAGED_TARGETS = ['linux-x64', 'linux-arm64', 'win32-x64', 'darwin-x64'] as const;

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256');
const archive = z
  .object({
    /** A versioned https URL (never a moving "latest"/"release" alias). */
    url: z
      .string()
      .url()
      .refine((u) => u.startsWith('https://'), 'https only')
      .refine((u) => !/latest|ffmpeg-release-|\/master\b|snapshot|git-/i.test(u), 'a versioned URL, not a moving alias')
      .refine((u) => /\.(zip|tar\.xz|tar\.gz|7z)$/.test(u), 'an archive (.zip, .tar.xz, .tar.gz)'),
    /** The pinned checksum of the download; null until pinned (the fetch then refuses to ship it). */
    sha256: sha256.nullable(),
    /** Which file inside the archive becomes resources/ffmpeg/<tool>. */
    extract: z
      .object({ ffmpeg: z.string().min(1).optional(), ffprobe: z.string().min(1).optional() })
      .strict()
      .refine((e) => e.ffmpeg ?? e.ffprobe, 'extracts ffmpeg or ffprobe'),
  })
  .strict();

const target = z
  .object({
    /** The ffmpeg release (≥ 5.1, the same floor the PATH ffmpeg must meet). */
    version: z.string().regex(/^(\d+)\.(\d+)(\.\d+)?$/),
    archives: z.array(archive).min(1),
  })
  .strict()
  .refine((t) => t.archives.some((a) => a.extract.ffmpeg) && t.archives.some((a) => a.extract.ffprobe), 'ships both ffmpeg and ffprobe')
  .refine((t) => {
    const [maj = 0, min = 0] = t.version.split('.').map(Number);
    return maj > 5 || (maj === 5 && min >= 1);
  }, 'ffmpeg 5.1 or newer');

export const ffmpegBinariesConfigSchema = z
  .object({
    $comment: z.string().optional(),
    targets: z.record(z.enum(PACKAGED_TARGETS), target),
  })
  .strict()
  .refine((c) => PACKAGED_TARGETS.every((t) => c.targets[t]), 'one entry per packaged target');

export type FfmpegBinariesConfig = z.infer<typeof ffmpegBinariesConfigSchema>;
