import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder that holds package.json (works from source, from dist/, and inside an asar-unpacked app). */
export function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, 'package.json')) && existsSync(path.join(dir, 'resources'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function resourcesDir(): string {
  return path.join(appRoot(), 'resources');
}

/** The OS's per-user application data folder for Framewise. */
export function defaultDataDir(): string {
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Framewise');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Framewise');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'Framewise');
}

export function resolveDataDir(explicit?: string): string {
  return path.resolve(explicit ?? process.env.FRAMEWISE_DATA_DIR ?? defaultDataDir());
}
