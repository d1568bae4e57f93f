/**
 * The Electron shell's security settings as plain data, so they are asserted by tests without the
 * Electron binary (see test/electron/). main.ts applies exactly these.
 */

/** The renderer is served from this privileged custom scheme (never file://, never http). */
export const APP_SCHEME = 'framewise-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY = `${APP_ORIGIN}/index.html`;
/** Library media (videos, thumbnails): `framewise-media://video/12`, answered with Range support. */
export const MEDIA_SCHEME = 'framewise-media';

/** IPC channels between preload and main (mirrored as literals in preload.cts, which cannot import). */
export const IPC_CALL = 'framewise:call';
export const IPC_EVENT = 'framewise:event';
/** Native folder picker (answers a path or null); only for the app's own window. */
export const IPC_PICK_FOLDER = 'framewise:pick-folder';
/** Native file picker for one kind of file (answers a path or null); only for the app's own window. */
export const IPC_PICK_FILE = 'framewise:pick-file';
/** The kinds of file the renderer may ask the picker for, with the filters main applies (no free-form filters). */
export const PICK_FILE_KINDS = {
  'model-manifest': [{ name: 'Model manifest (JSON)', extensions: ['json'] }],
} as const;
export type PickFileKind = keyof typeof PICK_FILE_KINDS;

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  `img-src 'self' ${MEDIA_SCHEME}: data: blob:`,
  `media-src ${MEDIA_SCHEME}:`,
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

export interface WindowOptions {
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
  show: boolean;
  title: string;
  backgroundColor: string;
  webPreferences: {
    preload: string;
    contextIsolation: true;
    sandbox: true;
    nodeIntegration: false;
    nodeIntegrationInWorker: false;
    nodeIntegrationInSubFrames: false;
    webSecurity: true;
    allowRunningInsecureContent: false;
    webviewTag: false;
    navigateOnDragDrop: false;
    spellcheck: false;
    safeDialogs: true;
  };
}

/** The one window's options: isolated, sandboxed, no Node in the page, web security on. */
export function mainWindowOptions(preloadPath: string, dark: boolean): WindowOptions {
  return {
    width: 1440,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Framewise',
    backgroundColor: dark ? '#0f1115' : '#f6f7f9',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // Dropping a file must import it, never navigate the window to it.
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
    },
  };
}

/** Only the app's own top frame may call the core. */
export function isTrustedSenderUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && !u.username && !u.password && !u.port;
  } catch {
    return false;
  }
}

/** Navigation is never allowed (the app is one page with hash routes); external links are not opened either. */
export function allowNavigation(_url: string): boolean {
  return false;
}

/** Every permission (camera, microphone, notifications, geolocation, …) is denied. */
export function allowPermission(_permission: string): boolean {
  return false;
}
