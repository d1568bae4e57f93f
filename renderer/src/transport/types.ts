import type { FramewiseClient, RemoteError } from '../../../core/api/client.js';
import type { ImportResult } from '../../../core/api/commands.js';
import type { ModelInfo } from '../../../core/api/types.js';

/** 'unauthorized': the server no longer accepts this page's token (it was restarted with a new one). */
export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

export interface UploadResult {
  name: string;
  storedPath?: string;
  result?: ImportResult;
  error?: RemoteError;
}

export interface ModelUploadResult {
  model?: ModelInfo;
  error?: RemoteError;
}

/** Kinds of file the desktop picker is asked for (electron/security.ts PICK_FILE_KINDS holds their filters). */
export type PickFileKind = 'model-manifest';

/** The typed client plus what differs between the two transports (how dropped files reach the core). */
export interface AppClient extends FramewiseClient {
  readonly mode: 'browser' | 'desktop';
  connectionState(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  /** Desktop: the real path of a dropped/picked file. */
  pathForFile?(file: File): string | null;
  /** Desktop: the system's folder picker (null when cancelled). */
  pickFolder?(defaultPath?: string): Promise<string | null>;
  /** Desktop: the system's file picker for one kind of file (null when cancelled). */
  pickFile?(kind: PickFileKind): Promise<string | null>;
  /**
   * Browser: upload a model's manifest and its .onnx file (picked together) and add it to the model store; the
   * bridge removes the uploaded copies afterwards.
   */
  uploadModel?(files: File[], setDefault: boolean): Promise<ModelUploadResult>;
  /** Browser: stream the file to the bridge, which stores it in the library's uploads folder and imports it. */
  upload?(file: File, onProgress: (fraction: number) => void): Promise<UploadResult>;
}

/** An error from the core, with its code (e.g. "not_found") and a message that names the file. */
export class ClientError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown> | undefined;
  constructor(err: RemoteError) {
    super(err.message);
    this.name = 'ClientError';
    this.code = err.code;
    this.details = err.details;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
