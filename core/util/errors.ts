/** Error codes the core reports. Every failure a user can meet has one, plus a message naming the file. */
export type ErrorCode =
  | 'usage'
  | 'not_found'
  | 'file_missing'
  | 'file_unreadable'
  | 'file_empty'
  | 'not_media'
  | 'no_video_stream'
  // audio, conversion and frames (issue 13)
  | 'no_audio_stream'
  | 'unsupported_encoder'
  | 'output_folder_missing'
  | 'undecodable'
  | 'unsupported_codec'
  | 'truncated'
  | 'disk_full'
  | 'cancelled'
  | 'precondition'
  | 'ffmpeg_failed'
  | 'ffmpeg_missing'
  | 'ffmpeg_feature_missing'
  | 'schema_too_new'
  | 'conflict'
  | 'verification_failed'
  | 'interrupted'
  | 'wrong_key'
  | 'invalid_model'
  /** Waited longer than allowed (for a job, a worker). */
  | 'timeout'
  /** The library was closed while a call was made. */
  | 'library_closed'
  /** A worker thread (inference, text detection) crashed or exited. */
  | 'worker_failed'
  /** A file Framewise wrote itself (scores, sprites) is not what it should be. */
  | 'artifact_damaged'
  /** A preview (thumbnail, sprite sheet) could not be made again with the current masks: it was withdrawn. */
  | 'preview_failed'
  /** The process doing the work stopped (crash, power loss) and the work could not be finished. */
  | 'interrupted'
  /** A bug: never expected; the log has the stack. */
  | 'internal';

export class FramewiseError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'FramewiseError';
    this.code = code;
    this.details = details;
  }
}

export interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function serializeError(err: unknown): SerializedError {
  if (err instanceof FramewiseError) {
    return err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
  }
  if (isNodeError(err) && err.code === 'ENOSPC') return { code: 'disk_full', message: `Disk full: ${err.message}` };
  if (err instanceof Error) return { code: 'internal', message: err.message };
  return { code: 'internal', message: String(err) };
}

export function isNodeError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).code === 'string';
}

export function cancelled(): FramewiseError {
  return new FramewiseError('cancelled', 'Cancelled');
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw cancelled();
}
