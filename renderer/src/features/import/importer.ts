import { client } from '../../state/client.js';
import { addImportItems, notify, patchImportItem, setUi, useApp, type ImportItem } from '../../state/store.js';
import { i18n } from '../../i18n/index.js';
import { errorText } from '../../i18n/errors.js';

/** Video extensions picked up inside dropped folders in browser mode (the core decides for the desktop). */
const MEDIA_EXT = /\.(mp4|m4v|mov|mkv|webm|avi|mpg|mpeg|ts|mts|m2ts|wmv|flv|3gp|ogv|mxf|dv|vob|h264|hevc|y4m)$/i;

let keySeq = 0;
const newKey = () => `imp-${Date.now()}-${keySeq++}`;

function baseItem(name: string, path: string | null): ImportItem {
  return { key: newKey(), name, path, jobId: null, phase: 'queued', progress: 0, error: null, videoId: null };
}

/** Import files or folders by path (desktop drops, the by-path field). One result row per file found. */
export async function importPaths(paths: string[]): Promise<void> {
  const clean = paths.map((p) => p.trim()).filter(Boolean);
  if (!clean.length) return;
  setUi({ importOpen: true });
  try {
    const copy = useApp.getState().importCopy;
    const res = await client().call('videos.import', { paths: clean, ...(copy === null ? {} : { copy }) });
    const items: ImportItem[] = [];
    for (const e of res.errors)
      items.push({
        ...baseItem(e.path.split(/[\\/]/).pop() || e.path, e.path),
        phase: 'failed',
        error: errorText(e, e.path.split(/[\\/]/).pop() || e.path),
      });
    for (const j of res.jobs) items.push({ ...baseItem(j.path.split(/[\\/]/).pop() || j.path, j.path), jobId: j.jobId });
    if (!res.jobs.length && !res.errors.length) for (const p of clean) notify(i18n.t('import:nothingFound', { path: p }));
    addImportItems(items);
    // Jobs may have finished before their rows existed: sync each row with its job now.
    for (const it of items) if (it.jobId !== null) patchImportItem(it.key, {});
  } catch (err) {
    notify(errorText(err));
  }
}

/** Files from a drop or a picker: desktop → their paths; browser → streamed uploads, then imported. */
export async function importFiles(files: File[]): Promise<void> {
  if (!files.length) return;
  const c = client();
  setUi({ importOpen: true });
  if (c.pathForFile) {
    const paths = files.map((f) => c.pathForFile!(f)).filter((p): p is string => !!p);
    await importPaths(paths);
    return;
  }
  if (!c.upload) return;
  const items = files.map((f) => ({ ...baseItem(f.name, null), phase: 'uploading' as const }));
  addImportItems(items);
  // Two uploads at a time: enough to keep the disk busy without starving the WebSocket.
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const file = files[i]!;
      const item = items[i]!;
      const res = await c.upload!(file, (f) => patchImportItem(item.key, { progress: f }));
      if (res.error || !res.result) {
        patchImportItem(item.key, {
          phase: 'failed',
          error: i18n.t('import:uploadFailed', {
            file: file.name,
            reason: res.error ? errorText(res.error, file.name) : i18n.t('import:unknownError'),
          }),
        });
        continue;
      }
      const job = res.result.jobs[0];
      if (!job) {
        const first = res.result.errors[0];
        patchImportItem(item.key, { phase: 'failed', error: first ? errorText(first, file.name) : i18n.t('import:unknownError') });
        continue;
      }
      patchImportItem(item.key, { jobId: job.jobId, path: job.path, phase: 'queued', progress: 0 });
    }
  };
  await Promise.all([worker(), worker()]);
}

/** All files of a drop, walking dropped folders (browser mode needs the files themselves). */
export async function filesFromDataTransfer(dt: DataTransfer, walkFolders: boolean): Promise<File[]> {
  const out: File[] = [];
  const entries: FileSystemEntry[] = [];
  const plain: File[] = [];
  for (const item of Array.from(dt.items)) {
    if (item.kind !== 'file') continue;
    const entry = walkFolders && typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry && entry.isDirectory) entries.push(entry);
    else {
      const f = item.getAsFile();
      if (f) plain.push(f);
    }
  }
  if (!dt.items.length) plain.push(...Array.from(dt.files));
  out.push(...plain);
  for (const e of entries) out.push(...(await walkEntry(e)));
  return out;
}

async function walkEntry(entry: FileSystemEntry): Promise<File[]> {
  if (entry.isFile) {
    if (!MEDIA_EXT.test(entry.name)) return [];
    return new Promise((resolve) =>
      (entry as FileSystemFileEntry).file(
        (f) => resolve([f]),
        () => resolve([]),
      ),
    );
  }
  if (!entry.isDirectory || entry.name.startsWith('.')) return [];
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve) => reader.readEntries(resolve, () => resolve([])));
    if (!batch.length) break;
    children.push(...batch);
  }
  children.sort((a, b) => a.name.localeCompare(b.name));
  const out: File[] = [];
  for (const c of children) if (!c.name.startsWith('.')) out.push(...(await walkEntry(c)));
  return out;
}

/** Files picked with <input type=file> (with webkitdirectory, a folder's files): keep videos only for folders. */
export function filesFromInput(list: FileList | null, folder: boolean): File[] {
  const files = Array.from(list ?? []);
  return folder ? files.filter((f) => MEDIA_EXT.test(f.name)) : files;
}
