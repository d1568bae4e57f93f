import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { allMigrations } from '../../core/capabilities.js';
import { Core } from '../../core/core.js';
import { migrate } from '../../core/db/migrations.js';
import { SEALED_PREFIX } from '../../core/db/sealed-text.js';
import { DB_FILE_NAME } from '../../core/library-db.js';
import { listTracks } from '../../core/subtitles/store.js';
import { tempDir } from '../helpers/library.js';

/**
 * Migration 42 on a library an older Framewise wrote: every migration in place but 42 (the runner applies a
 * lower-numbered migration that arrives later; subtitle tables come from migrations 80+, so a library "at 41"
 * in version order could not hold a cue), opened once with the key since migration 54 (its own marker done),
 * holding in plain text what 42 seals: subtitle track titles, origins and ASS headers, cue texts and words, the
 * edit history's copies of cues, every text column of an export (paths, options, plan, report, command line,
 * error), and the export folders the dialog remembers (still in `settings`). The first open with the current
 * code seals them all — raw SQL sees only ciphertext and no byte of the database or its WAL holds a patient
 * token — while reads through the core return the original values; a second open changes nothing.
 */
const TOKENS = ['Kowalczyk', 'Brygida', '07.09.1958'];
const folder = '/exports/Kowalczyk Brygida 07.09.1958';
const cue = { text: 'Frau Kowalczyk, geb. 07.09.1958', words: [{ w: 'Brygida', s: 100, e: 400 }] };
const historyCue = { id: 1, startMs: 1000, endMs: 2000, text: 'Brygida Kowalczyk' };
const exportRow = {
  output_path: `${folder}/out.mp4`,
  temp_path: `${folder}/.framewise-1.partial.mp4`,
  options_json: JSON.stringify({ output: { dir: folder }, patient: { last_name: 'Kowalczyk' } }),
  plan_json: JSON.stringify({ version: 1, note: 'Brygida' }),
  verification_json: JSON.stringify({ ok: true, listed: ['Kowalczyk'] }),
  command_json: JSON.stringify(['ffmpeg', '-i', '/video/Kowalczyk_Brygida_07.09.1958.mp4']),
  error_json: JSON.stringify({ code: 'x', message: `could not write ${folder}` }),
};

/** The columns migration 42 seals, with the rows that hold them. */
const SEALED = {
  subtitle_tracks: ['origin', 'title', 'ass_header'],
  subtitle_cues: ['text', 'words_json'],
  subtitle_history: ['before_json', 'after_json', 'inserted_json', 'removed_json'],
  anonymize_exports: Object.keys(exportRow),
  sealed_settings: ['value_json'],
} as const;

function oldLibrary(dir: string): void {
  const file = path.join(dir, DB_FILE_NAME);
  const raw = new Database(file);
  raw.pragma('journal_mode = WAL');
  migrate(
    raw,
    file,
    allMigrations.filter((m) => m.version !== 42),
  );
  assert.ok(!raw.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sealed_settings'").get(), 'no migration 42 yet');
  const now = '2025-06-01T00:00:00Z';
  raw.exec('DELETE FROM sealing_pending'); // sealed long ago, at the first open with the key after migration 54
  const video = raw
    .prepare(
      `INSERT INTO videos (path, original_path, name, size, mtime_ms, sha256, container, duration, width, height,
         display_width, display_height, metadata_json, imported_at, updated_at)
       VALUES ('/video/a.mp4', '/video/a.mp4', 'a.mp4', 1, 0, 'ab', 'mp4', 12, 640, 360, 640, 360, '{}', ?, ?)`,
    )
    .run(now, now).lastInsertRowid;
  const track = raw
    .prepare(
      `INSERT INTO subtitle_tracks (video_id, language, title, kind, source, origin, format, ass_header, created_at)
       VALUES (?, 'de', 'Kowalczyk Brygida', 'subtitles', 'file', 'Kowalczyk_Brygida.srt', 'srt', '[Script Info]\nTitle: Kowalczyk', ?)`,
    )
    .run(video, now).lastInsertRowid;
  raw
    .prepare('INSERT INTO subtitle_cues (track_id, start_ms, end_ms, text, words_json, created_at) VALUES (?, 1000, 2000, ?, ?, ?)')
    .run(track, cue.text, JSON.stringify(cue.words), now);
  raw
    .prepare(
      `INSERT INTO subtitle_history (video_id, track_id, at, who, op, before_json, after_json, inserted_json, removed_json)
       VALUES (?, ?, ?, 'dr-test', 'update', ?, ?, ?, ?)`,
    )
    .run(video, track, now, JSON.stringify([historyCue]), JSON.stringify([{ ...historyCue, text: cue.text }]), '[1]', '[1]');
  raw
    .prepare(
      `INSERT INTO anonymize_exports (video_id, video_sha256, who, state, output_path, temp_path, options_json, plan_json,
         verification_json, command_json, error_json, started_at)
       VALUES (?, 'ab', 'dr-test', 'verified', ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      video,
      exportRow.output_path,
      exportRow.temp_path,
      exportRow.options_json,
      exportRow.plan_json,
      exportRow.verification_json,
      exportRow.command_json,
      exportRow.error_json,
      now,
    );
  const setting = raw.prepare('INSERT OR REPLACE INTO settings (key, value_json, updated_at) VALUES (?, ?, ?)');
  setting.run('exportDefaultFolder', JSON.stringify(folder), now);
  setting.run('exportRecentFolders', JSON.stringify([folder, '/exports/other']), now);
  raw.close();
}

/** Every sealed column's raw value (`table.column#rowid` → value). */
function rawValues(dir: string): Map<string, unknown> {
  const raw = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
  try {
    const out = new Map<string, unknown>();
    for (const [table, columns] of Object.entries(SEALED))
      for (const column of columns)
        for (const r of raw.prepare(`SELECT rowid AS id, "${column}" AS v FROM "${table}"`).all() as Array<{ id: number; v: unknown }>)
          out.set(`${table}.${column}#${r.id}`, r.v);
    return out;
  } finally {
    raw.close();
  }
}

function pendingRows(dir: string): number {
  const raw = new Database(path.join(dir, DB_FILE_NAME), { readonly: true });
  try {
    return (raw.prepare('SELECT count(*) AS n FROM sealing_pending_2').get() as { n: number }).n;
  } finally {
    raw.close();
  }
}

test('migration 42 seals the plain subtitle texts, export rows and remembered folders of an older library, once', async () => {
  const t = tempDir();
  try {
    oldLibrary(t.dir);
    const db = path.join(t.dir, DB_FILE_NAME);
    assert.ok(readFileSync(db).toString('utf8').includes('Kowalczyk'), 'the older library holds the name in plain text');

    const core = await Core.open({ dataDir: t.dir });
    let videoId = 0;
    try {
      // Reads through the core return what was stored.
      videoId = (await core.call('videos.list', {})).videos[0]!.id;
      const settings = await core.call('settings.get', {});
      assert.equal(settings.exportDefaultFolder, folder);
      assert.deepEqual(settings.exportRecentFolders, [folder, '/exports/other']);
      const [track] = await listTracks(core.services.db.reader, videoId);
      assert.equal(track?.title, 'Kowalczyk Brygida');
      const cues = (await core.call('subtitles.cues', { video: videoId, track: track!.id })) as { cues: Array<{ text: string }> };
      assert.deepEqual(
        cues.cues.map((c) => c.text),
        [cue.text],
      );
      const [entry] = await core.call('subtitles.history', { video: videoId });
      assert.deepEqual(
        entry?.before.map((c) => c.text),
        [historyCue.text],
      );
      assert.deepEqual(
        entry?.after.map((c) => c.text),
        [cue.text],
      );
      const [exp] = await core.call('anonymize.exports', { video: videoId });
      assert.equal(exp?.outputPath, exportRow.output_path);
      assert.deepEqual(exp?.options, JSON.parse(exportRow.options_json));
      assert.deepEqual(exp?.verification, JSON.parse(exportRow.verification_json));
      assert.deepEqual(exp?.command, JSON.parse(exportRow.command_json));
      assert.deepEqual(exp?.error, JSON.parse(exportRow.error_json));
      // While the library is open: no token in the database file, its WAL or shared memory.
      for (const f of [db, `${db}-wal`, `${db}-shm`]) {
        if (!existsSync(f)) continue;
        const bytes = readFileSync(f);
        for (const n of TOKENS) {
          assert.ok(!bytes.toString('latin1').includes(n), `${path.basename(f)} contains "${n}" after the first open`);
        }
      }
    } finally {
      await core.close();
    }

    // Raw SQL sees ciphertext only; the marker is gone.
    const sealed = rawValues(t.dir);
    assert.ok(sealed.size >= 14, `sealed values: ${sealed.size}`);
    for (const [where, v] of sealed) assert.ok(typeof v === 'string' && v.startsWith(SEALED_PREFIX), `${where} is sealed`);
    assert.equal(pendingRows(t.dir), 0);
    for (const f of [db, `${db}-wal`]) {
      if (!existsSync(f)) continue;
      const bytes = readFileSync(f).toString('latin1');
      for (const n of TOKENS) assert.ok(!bytes.includes(n), `${path.basename(f)} contains "${n}"`);
    }

    // A second open does nothing more: the same ciphertexts (sealing again would draw new nonces), same reads.
    const again = await Core.open({ dataDir: t.dir });
    try {
      assert.equal((await again.call('settings.get', {})).exportDefaultFolder, folder);
    } finally {
      await again.close();
    }
    assert.deepEqual(rawValues(t.dir), sealed);
  } finally {
    t.cleanup();
  }
});
