import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, link, mkdir, open, realpath, rename, rm, stat, statfs, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Ffmpeg } from '../ffmpeg/index.js';
import { FramewiseError, cancelled, isNodeError } from '../util/errors.js';
import { fileSystemReason, makeFolders, sha256File } from '../util/fs.js';
import { renderAnonymizedVideo } from '../ffmpeg/anonymize-render.js';
import { buildMaskImage } from './mask.js';
import type { FrameTextReader } from './frame-reader.js';
import type { PatientToken } from './tokens.js';
import type { AnonymizationPlan, Rect } from './types.js';
import { verifyOutput, type VerificationResult } from './verify.js';
import { verifySpeechMuted } from './speech-mute.js';

export interface RenderRequest {
  ffmpeg: Ffmpeg;
  /** The original video. Read only; never modified, never copied. */
  input: string;
  plan: AnonymizationPlan;
  /** Where the verified output goes. Must not exist. */
  outputPath: string;
  /** The temp file (in the output folder); default: a random hidden name there. */
  tempPath?: string;
  /** A private folder for the mask image (not the output folder). */
  workDir: string;
  tokens: PatientToken[];
  reader: FrameTextReader;
  signal?: AbortSignal;
  onProgress?: (fraction: number, stage: string) => void;
  /** Longest gap between verification samples, seconds (default 0.5: a 0.5 s flash is always sampled). */
  verifyInterval?: number;
  /** Test hook: render without masks so verification must reject the output. */
  unsafeDisableMasks?: boolean;
  /** Told the exact command line once the render ran (before verification: the audit keeps it either way). */
  onRendered?: (command: string[]) => Promise<void>;
}

export interface RenderResult {
  outputPath: string;
  sha256: string;
  size: number;
  verification: VerificationResult;
  renderSeconds: number;
  /** The render's command line: the ffmpeg binary and its arguments exactly as run. */
  command: string[];
}

/** Below this much free space an output folder is refused before rendering. */
const MIN_FREE_BYTES = 64 * 1024;

function diskFull(folder: string, what: string): FramewiseError {
  return new FramewiseError('disk_full', `disk full in ${folder}: ${what}`, { folder });
}

/** ENOSPC while writing in `folder` (the temp file, its sync, the hard link) as a `disk_full` naming it. */
function noRoom(err: unknown, folder: string): FramewiseError | null {
  if (!isNodeError(err) || (err.code !== 'ENOSPC' && err.code !== 'EDQUOT')) return null;
  return diskFull(folder, 'the anonymized video could not be written. No output was written.');
}

/** The share of progress the render takes; verification takes the rest. */
const RENDER_SHARE = 0.6;

async function sameFile(a: string, b: string): Promise<boolean> {
  const ra = await realpath(a).catch(() => path.resolve(a));
  const rb = await realpath(b).catch(() => path.resolve(b));
  return ra === rb;
}

/** Move the verified temp file to its final name without ever replacing an existing file. */
async function publish(temp: string, finalPath: string): Promise<void> {
  try {
    await link(temp, finalPath);
    await unlink(temp);
    return;
  } catch (err) {
    if (isNodeError(err) && err.code === 'EEXIST') {
      throw new FramewiseError('conflict', `The output ${finalPath} already exists; choose another name or folder`);
    }
    if (!isNodeError(err) || !['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV'].includes(err.code ?? '')) throw err;
  }
  // File systems without hard links (FAT/exFAT sticks): check, then rename.
  if (
    await stat(finalPath).then(
      () => true,
      () => false,
    )
  ) {
    throw new FramewiseError('conflict', `The output ${finalPath} already exists; choose another name or folder`);
  }
  await rename(temp, finalPath);
}

/**
 * The output can be written: not the original, not an existing file, a writable folder with room for at least
 * the file's header. Checked before anything long runs (the text scan, the render), so a full disk or a read-only
 * folder fails fast, naming the folder; checked again right before rendering.
 */
export async function checkOutputTarget(input: string, outputPath: string): Promise<string> {
  const finalPath = path.resolve(outputPath);
  if (await sameFile(input, finalPath)) throw new FramewiseError('usage', 'The output must not be the original video');
  if (
    await stat(finalPath).then(
      () => true,
      () => false,
    )
  ) {
    throw new FramewiseError('conflict', `The output ${finalPath} already exists; choose another name or folder`);
  }
  const outDir = path.dirname(finalPath);
  try {
    await makeFolders(outDir);
    await access(outDir, constants.W_OK);
  } catch (err) {
    if (isNodeError(err) && err.code === 'ENOSPC') throw diskFull(outDir, 'the output folder cannot be written');
    throw new FramewiseError('file_unreadable', `Cannot write to the output folder ${outDir}: ${fileSystemReason(err)}`);
  }
  // Fail fast: a folder without room for even the file's header is not rendered into.
  const room = await statfs(outDir).catch(() => null);
  if (room && room.bavail * room.bsize < MIN_FREE_BYTES) throw diskFull(outDir, 'no space is left for the anonymized video');
  return outDir;
}

/**
 * Render the plan in ONE ffmpeg pass into a temp file beside the output, verify it, then publish it.
 * On any error, cancel or failed verification the temp file is deleted and no output exists.
 */
export async function renderAnonymized(req: RenderRequest): Promise<RenderResult> {
  const finalPath = path.resolve(req.outputPath);
  const outDir = await checkOutputTarget(req.input, finalPath);
  await mkdir(req.workDir, { recursive: true });
  const temp = req.tempPath ? path.resolve(req.tempPath) : path.join(outDir, `.framewise-${randomBytes(6).toString('hex')}.partial.mp4`);
  if (path.dirname(temp) !== outDir) throw new FramewiseError('internal', 'The temp file must be in the output folder');
  const progress = req.onProgress ?? (() => undefined);
  let published = false;
  try {
    if (req.signal?.aborted) throw cancelled();
    const mask = buildMaskImage(req.plan);
    let maskArg: { path: string; rect: Rect } | null = null;
    if (mask) {
      const maskPath = path.join(req.workDir, 'mask.png');
      await writeFile(maskPath, mask.png).catch((err: unknown) => {
        throw noRoom(err, req.workDir) ?? err;
      });
      maskArg = { path: maskPath, rect: mask.rect };
    }
    progress(0, 'rendering');
    const t0 = Date.now();
    const { command } = await renderAnonymizedVideo(
      req.ffmpeg,
      req.plan,
      { input: req.input, mask: maskArg, output: temp, unsafeDisableMasks: req.unsafeDisableMasks ?? false },
      {
        ...(req.signal ? { signal: req.signal } : {}),
        onProgress: (outTime) => progress(RENDER_SHARE * Math.min(1, outTime / Math.max(0.001, req.plan.expectedDuration)), 'rendering'),
      },
    ).catch((err: unknown) => {
      if (!(err instanceof FramewiseError) || err.code === 'cancelled') throw err;
      if (err.code === 'disk_full') throw diskFull(outDir, 'rendering the anonymized video stopped. No output was written.');
      const sig = typeof err.details?.signal === 'string' ? ` (ffmpeg was stopped by ${err.details.signal})` : '';
      throw new FramewiseError(
        err.code,
        `Rendering the anonymized video failed: ${err.message}${sig}. No output was written.`,
        err.details,
      );
    });
    const renderSeconds = (Date.now() - t0) / 1000;
    await req.onRendered?.(command);
    // Make the bytes durable before they are checked and published.
    const fh = await open(temp, 'r+');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    progress(RENDER_SHARE, 'verifying');
    const verification = await verifyOutput({
      ffmpeg: req.ffmpeg,
      file: temp,
      plan: req.plan,
      tokens: req.tokens,
      reader: req.reader,
      ...(req.verifyInterval ? { maxInterval: req.verifyInterval } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      onProgress: (f) => progress(RENDER_SHARE + (1 - RENDER_SHARE) * f, 'verifying'),
    });
    if (req.signal?.aborted) throw cancelled();
    if (req.plan.audio.mutedSpeech) {
      const speech = await verifySpeechMuted(req.ffmpeg, temp, req.signal);
      if (speech.length) {
        verification.findings.push(...speech);
        verification.findingCount += speech.length;
        verification.ok = false;
      }
    }
    if (!verification.ok) {
      const first = verification.findings[0]!;
      throw new FramewiseError(
        'verification_failed',
        `Verification rejected the output (${verification.findingCount} finding${verification.findingCount === 1 ? '' : 's'}); it was deleted. First: ${first.message}`,
        { verification },
      );
    }
    const sha256 = await sha256File(temp, req.signal ? { signal: req.signal } : {});
    const size = (await stat(temp)).size;
    await publish(temp, finalPath);
    published = true;
    progress(1, 'done');
    return { outputPath: finalPath, sha256, size, verification, renderSeconds, command };
  } catch (err) {
    if (req.signal?.aborted && !(err instanceof FramewiseError && err.code === 'cancelled')) throw cancelled();
    throw noRoom(err, outDir) ?? err;
  } finally {
    if (!published) await rm(temp, { force: true }).catch(() => undefined);
  }
}
