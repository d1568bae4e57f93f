/** Messages between the main process and the core's utility process (structured-clone data only). */
import type { RouterResponse } from '../core/api/router.js';
import type { CoreEvent } from '../core/api/types.js';
import type { MediaTarget } from '../core/media/targets.js';

export type ToCore =
  { type: 'call'; seq: number; message: unknown } | { type: 'media'; seq: number; target: MediaTarget } | { type: 'shutdown' };

export type FromCore =
  | { type: 'ready'; dataDir: string }
  | { type: 'fatal'; message: string }
  | { type: 'response'; seq: number; response: RouterResponse }
  | { type: 'media'; seq: number; file: { path: string; contentType: string } | null }
  | { type: 'event'; event: CoreEvent }
  | { type: 'closed' };
