/**
 * Electron main process: one window, the renderer served from `framewise-app://`, library media from
 * `framewise-media://` (Range requests, library files only), and the core in a utility process. The page
 * gets no Node; it reaches the core only through the preload's typed client, whose IPC sender is checked.
 */
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  nativeTheme,
  protocol,
  session,
  type IpcMainInvokeEvent,
  type WebContents,
} from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { handleMediaRequest } from '../core/media/web-handler.js';
import { handleAppRequest } from './app-protocol.js';
import { CoreProcess } from './core-process.js';
import { menuTemplate } from './menu.js';
import {
  allowNavigation,
  allowPermission,
  APP_ENTRY,
  APP_SCHEME,
  CONTENT_SECURITY_POLICY,
  IPC_CALL,
  IPC_PICK_FILE,
  IPC_PICK_FOLDER,
  IPC_EVENT,
  PICK_FILE_KINDS,
  isTrustedSenderUrl,
  mainWindowOptions,
  MEDIA_SCHEME,
} from './security.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rootDir = path.resolve(here, '..', '..');
const rendererDir = path.join(rootDir, 'dist', 'renderer');
const preloadPath = path.join(here, 'preload.cjs');
const dev = !app.isPackaged;

// Must happen before `ready`: both schemes behave like https (secure context, fetch, media streaming).
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
]);

app.enableSandbox();
if (!app.requestSingleInstanceLock()) app.quit();

let mainWindow: BrowserWindow | null = null;
let core: CoreProcess | null = null;

function hardenContents(contents: WebContents): void {
  contents.on('will-navigate', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  contents.on('will-redirect', (e, url) => {
    if (!allowNavigation(url)) e.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (e) => e.preventDefault());
}

function trustedSender(e: IpcMainInvokeEvent): boolean {
  return (
    !!mainWindow &&
    e.sender === mainWindow.webContents &&
    e.senderFrame !== null &&
    e.senderFrame === e.sender.mainFrame &&
    isTrustedSenderUrl(e.senderFrame.url)
  );
}

async function createWindow(): Promise<void> {
  const win = new BrowserWindow(mainWindowOptions(preloadPath, nativeTheme.shouldUseDarkColors));
  mainWindow = win;
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  await win.loadURL(APP_ENTRY);
}

app.on('web-contents-created', (_e, contents) => hardenContents(contents));

app.whenReady().then(async () => {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, permission, callback) => callback(allowPermission(permission)));
  ses.setPermissionCheckHandler((_wc, permission) => allowPermission(permission));
  ses.setDevicePermissionHandler(() => false);
  ses.on('will-download', (e) => e.preventDefault());
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });

  core = new CoreProcess(path.join(here, 'core-host.js'), { ...process.env });
  const coreRef = core;
  protocol.handle(APP_SCHEME, (request) => handleAppRequest(request, rendererDir));
  protocol.handle(MEDIA_SCHEME, (request) => handleMediaRequest(request, (target) => coreRef.mediaPath(target)));

  ipcMain.handle(IPC_CALL, async (e, message: unknown) => {
    if (!trustedSender(e)) return { id: null, ok: false, error: { code: 'usage', message: 'Refused: not the app window' } };
    try {
      await coreRef.ready;
    } catch (err) {
      return { id: null, ok: false, error: { code: 'internal', message: `The library could not be opened: ${(err as Error).message}` } };
    }
    return coreRef.call(message);
  });
  ipcMain.handle(IPC_PICK_FOLDER, async (e, defaultPath: unknown) => {
    if (!trustedSender(e) || !mainWindow) return null;
    const r = await dialog.showOpenDialog(mainWindow, {
      properties: ['openDirectory', 'createDirectory'],
      ...(typeof defaultPath === 'string' && defaultPath ? { defaultPath } : {}),
    });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  ipcMain.handle(IPC_PICK_FILE, async (e, kind: unknown) => {
    if (!trustedSender(e) || !mainWindow) return null;
    if (typeof kind !== 'string' || !Object.hasOwn(PICK_FILE_KINDS, kind)) return null;
    const r = await dialog.showOpenDialog(mainWindow, {
      properties: ['openFile'],
      filters: PICK_FILE_KINDS[kind as keyof typeof PICK_FILE_KINDS].map((f) => ({ name: f.name, extensions: [...f.extensions] })),
    });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  });
  coreRef.onEvent((event) => {
    const wc = mainWindow?.webContents;
    if (wc && !wc.isDestroyed()) wc.send(IPC_EVENT, event);
  });

  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate({ isMac: process.platform === 'darwin', dev, appName: app.name })));
  await createWindow();

  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) void createWindow();
  });
});

app.on('second-instance', () => {
  if (mainWindow) {
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  }
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

let quitting = false;
app.on('before-quit', (e) => {
  if (quitting || !core) return;
  e.preventDefault();
  quitting = true;
  void core.shutdown().finally(() => app.quit());
});
