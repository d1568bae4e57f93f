import type { Page } from 'playwright-core';

/**
 * Give the page a `window.framewise` with the preload's contract (electron/preload.cts: call / subscribe /
 * mediaUrl / pathForFile / pickFolder / pickFile; errors as Error(JSON {code, message})), carried over the
 * bridge's WebSocket to the real core: the renderer's desktop path in Chromium, where Electron cannot run.
 * The native pickers answer what the test put in `window.__nextPick` (a path, or null for "cancelled"); the
 * methods called are listed in `window.__calls`; `pathForFile` (Electron's webUtils.getPathForFile) answers
 * `realPath` for a dropped file of that name.
 */
export async function installDesktopApi(page: Page, opts: { realPath?: string } = {}): Promise<void> {
  await page.addInitScript((realPath: string) => {
    const listeners = new Set<(e: unknown) => void>();
    const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
    const w = window as unknown as { framewise: unknown; __nextPick: string | null; __picks: string[]; __calls: string[] };
    w.__nextPick = null;
    w.__picks = [];
    w.__calls = [];
    const ready = new Promise<WebSocket>((resolve) => {
      const s = new WebSocket(`ws://${location.host}/ws`);
      s.onopen = () => resolve(s);
      s.onmessage = (ev) => {
        const m = JSON.parse(String(ev.data)) as {
          type: string;
          id: number;
          ok: boolean;
          result?: unknown;
          error?: { code: string; message: string };
          event?: unknown;
        };
        if (m.type === 'event') return listeners.forEach((l) => l(m.event));
        const p = pending.get(m.id);
        pending.delete(m.id);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(new Error(JSON.stringify({ code: m.error!.code, message: m.error!.message })));
      };
    });
    let id = 1;
    const pick = async (what: string) => {
      w.__picks.push(what);
      return w.__nextPick;
    };
    w.framewise = {
      transport: 'ipc',
      async call(method: string, params: unknown) {
        w.__calls.push(method);
        const s = await ready;
        const n = id++;
        return new Promise((resolve, reject) => {
          pending.set(n, { resolve, reject });
          s.send(JSON.stringify({ id: n, method, params }));
        });
      },
      subscribe(l: (e: unknown) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
      mediaUrl(target: { kind: string; id: number }) {
        return `/media/${target.kind === 'artifact' ? 'artifact' : 'video'}/${Math.trunc(target.id)}`;
      },
      pathForFile: (f: File) => (realPath && f.name === realPath.split('/').pop() ? realPath : ''),
      pickFolder: () => pick('folder'),
      pickFile: (kind: string) => pick(`file:${kind}`),
    };
  }, opts.realPath ?? '');
}
