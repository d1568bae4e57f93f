import { useSyncExternalStore } from 'react';

/** Hash routes, so a reload lands on the same screen: `#/` library, `#/video/12` a video, `#/settings`, `#/models`. */
export type Route = { name: 'library' } | { name: 'video'; id: number } | { name: 'settings' } | { name: 'models' };

export function parseRoute(hash: string): Route {
  const m = /^#\/video\/(\d+)$/.exec(hash);
  if (m) return { name: 'video', id: Number(m[1]) };
  if (hash === '#/settings') return { name: 'settings' };
  if (hash === '#/models') return { name: 'models' };
  return { name: 'library' };
}

function subscribe(cb: () => void): () => void {
  window.addEventListener('hashchange', cb);
  return () => window.removeEventListener('hashchange', cb);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}

export function routeHash(route: Route): string {
  return route.name === 'video' ? `#/video/${route.id}` : route.name === 'library' ? '#/' : `#/${route.name}`;
}

export function navigate(route: Route): void {
  window.location.hash = routeHash(route);
}
