import { z } from 'zod';
import type { RemoteError } from './client.js';
import { serializeError } from '../util/errors.js';

/**
 * The one IPC router shared by every transport (the WebSocket bridge and Electron IPC): it takes a raw
 * message `{id, method, params}` from the wire, validates its shape, runs the command through the core
 * (which validates `params` with the command's zod schema) and returns a serializable response whose
 * errors are always `{code, message}`. A transport only moves bytes; it never calls the core otherwise.
 */
export const routerRequestSchema = z
  .object({
    id: z.union([z.number().int(), z.string().max(100)]),
    method: z.string().min(1).max(100),
    params: z.unknown().optional(),
  })
  .strict();

export type RouterRequest = z.infer<typeof routerRequestSchema>;

export type RouterResponse =
  { id: number | string | null; ok: true; result: unknown } | { id: number | string | null; ok: false; error: RemoteError };

/** What the router needs from the core (the real `Core`, or a process proxy to it in Electron). */
export interface CallTarget {
  call(name: string, input: unknown): Promise<unknown>;
}

export interface Router {
  handle(message: unknown): Promise<RouterResponse>;
}

function idOf(message: unknown): number | string | null {
  if (message && typeof message === 'object' && 'id' in message) {
    const id = (message as { id: unknown }).id;
    if ((typeof id === 'number' && Number.isInteger(id)) || (typeof id === 'string' && id.length <= 100)) return id;
  }
  return null;
}

export function toRemoteError(err: unknown): RemoteError {
  const s = serializeError(err);
  return s.details ? { code: s.code, message: s.message, details: s.details } : { code: s.code, message: s.message };
}

export function createRouter(target: CallTarget): Router {
  return {
    async handle(message: unknown): Promise<RouterResponse> {
      const parsed = routerRequestSchema.safeParse(message);
      if (!parsed.success) {
        return {
          id: idOf(message),
          ok: false,
          error: {
            code: 'usage',
            message: `Malformed request: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'message'}: ${i.message}`).join('; ')}`,
          },
        };
      }
      const { id, method, params } = parsed.data;
      try {
        const result = await target.call(method, params ?? {});
        return { id, ok: true, result: result === undefined ? null : result };
      } catch (err) {
        return { id, ok: false, error: toRemoteError(err) };
      }
    },
  };
}

/** Parse a text frame into a message for the router (a bad JSON frame becomes a malformed request). */
export function parseWireMessage(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { __invalidJson: true };
  }
}
