import type { BrowserContext, Page } from 'playwright-core';

/**
 * What a busy machine does to the page's bridge traffic, made deterministic: the real core answers over its real
 * WebSocket, and chosen answers are held back in transit (Playwright's WebSocket route, the socket itself opened by
 * the page) while everything else (other answers, events) passes at once. The bridge answers requests
 * concurrently, so on a loaded machine a slow answer arriving after later ones and after events is what happens.
 */
export interface SlowAnswers {
  /** Hold back the answers to the next `times` requests of `method` by `ms` (requests sent from now on). */
  hold(method: string, ms: number, times?: number): void;
  /** Hold back the answer to the next request of `method` until the returned function is called. */
  holdUntil(method: string): () => void;
  /**
   * The page is busy for `ms` after the next message matching `match` (an answer or an event): that message and
   * the ones after it arrive in order, the later ones `ms` later (a long render between two messages).
   */
  pauseAfter(match: (message: { type?: string; event?: { type?: string } }) => boolean, ms: number): void;
  /** The page's requests in the order sent, each with when (in one sequence with the sends) its answer reached it. */
  traffic(): Array<{ method: string; sent: number; answered?: number }>;
  /** Events passed to the page matching `match`, counted. */
  events(match: (event: { type?: string; topic?: string }) => boolean): number;
  /** Requests of each method the page has sent. */
  asked(method: string): number;
  /** Requests of each method answered so far (after any hold). */
  answered(method: string): number;
  /** Settles once every held answer has been passed on. */
  drained(): Promise<void>;
}

/** Route `target`'s bridge WebSocket (call before the page opens the app). */
export async function slowAnswers(target: Page | BrowserContext): Promise<SlowAnswers> {
  const holds = new Map<string, { ms: number; times: number; gate?: Promise<void> }>();
  const counts = new Map<string, number>();
  const held = new Set<Promise<unknown>>();
  const asked = new Map<string, number>();
  const log: Array<{ method: string; sent: number; answered?: number }> = [];
  let seq = 0;
  const events: Array<{ type?: string; topic?: string }> = [];
  let pause: { match: (message: { type?: string; event?: { type?: string } }) => boolean; ms: number } | null = null;
  await target.routeWebSocket(/\/ws$/, (ws) => {
    const server = ws.connectToServer();
    const methodOf = new Map<number | string, { method: string; ms: number; gate?: Promise<void>; entry: (typeof log)[number] }>();
    ws.onMessage((message) => {
      if (typeof message === 'string') {
        const m = JSON.parse(message) as { id?: number | string; method?: string };
        if (m.method !== undefined && m.id !== undefined) {
          asked.set(m.method, (asked.get(m.method) ?? 0) + 1);
          const hold = holds.get(m.method);
          if (hold && --hold.times === 0) holds.delete(m.method);
          const entry = { method: m.method, sent: seq++ };
          log.push(entry);
          methodOf.set(m.id, { method: m.method, ms: hold?.ms ?? 0, entry, ...(hold?.gate ? { gate: hold.gate } : {}) });
        }
      }
      server.send(message);
    });
    // Messages not held pass in order (after any pause).
    let inOrder: Promise<unknown> = Promise.resolve();
    const passInOrder = (message: string | Buffer, then?: number, entry?: (typeof log)[number]) => {
      inOrder = inOrder.then(() => {
        try {
          ws.send(message);
          if (entry) entry.answered = seq++;
        } catch {
          // the page has gone
        }
        return then ? new Promise<void>((resolve) => setTimeout(resolve, then)) : undefined;
      });
      held.add(inOrder);
      const settled = inOrder;
      void settled.then(() => held.delete(settled));
    };
    server.onMessage((message) => {
      const m =
        typeof message === 'string' ? (JSON.parse(message) as { type?: string; id?: number | string; event?: { type?: string } }) : null;
      const req = m?.type === 'response' && m.id !== undefined ? methodOf.get(m.id) : undefined;
      if (m?.type === 'event' && m.event) events.push(m.event);
      if (!req || (!req.ms && !req.gate)) {
        if (req) methodOf.delete(m!.id!);
        const p = pause && m && pause.match(m) ? pause : null;
        if (p) pause = null;
        passInOrder(message, p?.ms, req?.entry);
        if (req) counts.set(req.method, (counts.get(req.method) ?? 0) + 1);
        return;
      }
      methodOf.delete(m!.id!);
      const pass = () => {
        // The page may have gone (reloaded, closed) while its answer was held.
        try {
          ws.send(message);
          req.entry.answered = seq++;
        } catch {
          return;
        }
        counts.set(req.method, (counts.get(req.method) ?? 0) + 1);
      };
      const later = (req.gate ?? new Promise<void>((resolve) => setTimeout(resolve, req.ms))).then(pass);
      held.add(later);
      void later.then(() => held.delete(later));
    });
  });
  return {
    hold(method, ms, times = 1) {
      holds.set(method, { ms, times });
    },
    holdUntil(method) {
      let release = () => {};
      holds.set(method, { ms: 0, times: 1, gate: new Promise<void>((resolve) => (release = resolve)) });
      return release;
    },
    pauseAfter(match, ms) {
      pause = { match, ms };
    },
    traffic: () => log,
    events: (match) => events.filter(match).length,
    asked: (method) => asked.get(method) ?? 0,
    answered: (method) => counts.get(method) ?? 0,
    async drained() {
      while (held.size) await Promise.all([...held]);
    },
  };
}
