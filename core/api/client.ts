import type { CommandInput, CommandName, CommandOutput } from './commands.js';
import type { CoreEvent } from './types.js';

/**
 * The one interface the renderer talks to. Implemented by the Electron IPC transport and by the
 * WebSocket bridge transport; both end in `Core.call` and `Core.subscribe`.
 */
export interface FramewiseClient {
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  subscribe(listener: (event: CoreEvent) => void): () => void;
  /** URL the renderer can put in <video>/<img> for a library video or artifact (Range requests supported). */
  mediaUrl(
    target:
      { kind: 'video'; id: number } | { kind: 'artifact'; id: number } | { kind: 'export'; id: number } | { kind: 'clip'; id: number },
  ): string;
}

/** Errors cross transports as this shape. */
export interface RemoteError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
