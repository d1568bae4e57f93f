import { i18n } from './index.js';

/** A core error as the renderer receives it (ClientError, a job's SerializedError, or anything thrown). */
interface CodedError {
  code?: string;
  message?: string;
  details?: Record<string, unknown>;
}

const knownCodes = [
  'not_found',
  'file_missing',
  'file_unreadable',
  'file_empty',
  'not_media',
  'no_video_stream',
  'undecodable',
  'unsupported_codec',
  'truncated',
  'disk_full',
  'cancelled',
  'ffmpeg_missing',
  'ffmpeg_failed',
  'schema_too_new',
  'verification_failed',
  'invalid_model',
] as const;
type KnownCode = (typeof knownCodes)[number];

function baseName(p: string): string {
  return p.split(/[\\/]/).pop() || p;
}

/**
 * The sentence to show for an error from the core, in the user's language: known codes become a sentence that
 * names the file (the one the user picked, when the caller knows it), never ffmpeg or an internal path;
 * other errors keep the core's message (which already names the file and the reason).
 */
export function errorText(err: unknown, file?: string | null): string {
  const e: CodedError = err && typeof err === 'object' ? (err as CodedError) : { message: String(err) };
  const code = e.code;
  const detailPath = typeof e.details?.path === 'string' ? e.details.path : null;
  const name = file ?? (detailPath ? baseName(detailPath) : null);
  if (code && (knownCodes as readonly string[]).includes(code)) {
    const k = code as KnownCode;
    return name
      ? i18n.t(`common:errorCodes.${k}.file`, { file: name })
      : i18n.t(`common:errorCodes.${k}.plain`, { reason: e.message ?? '' });
  }
  return e.message ?? String(err);
}
