import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { ownedTmpName, ownedTmpOwner } from '../../core/jobs/owned-tmp.js';
import { reapAbandoned } from '../../core/jobs/reaper.js';
import { openTempCore } from '../helpers/library.js';

/**
 * The start-up reaper's rules for process-owned `tmp/` folders it cannot ask a process about (core/jobs/reaper.ts,
 * owned-tmp.ts): a folder of another host's process (a library on a shared disk) is removed only once it is an
 * hour old, a subtitle-preview folder of a version without owners in folder names once it is ten minutes old,
 * and younger ones are kept — each a minute either side of its limit, ages set with utimes (no waiting). A folder
 * of this live process is kept whatever its age. Every removal is in the cleanup audit.
 */
test('owned tmp folders: another host’s reaped after 1 h, old unowned after 10 min, fresh ones and live ones kept', async () => {
  const lib = await openTempCore({ runJobs: false });
  try {
    const tmp = path.join(lib.dataDir, 'tmp');
    mkdirSync(tmp, { recursive: true });
    // Another host: the same name pattern with a host tag that is not this host's.
    const mine = ownedTmpName('subtitle-preview');
    const otherTag = /-h00000000-/.test(mine) ? 'ffffffff' : '00000000';
    const foreign = (suffix: string) => `subtitle-preview-p4242-h${otherTag}-${suffix}`;
    assert.equal(ownedTmpOwner(foreign('aa'))?.sameHost, false);
    const minutes = 60_000;
    const folders = {
      foreignOld: [foreign('a1'), 61 * minutes],
      foreignFresh: [foreign('b2'), 59 * minutes],
      legacyOld: ['subtitle-preview-Ab12Cd', 11 * minutes],
      legacyFresh: ['subtitle-preview-Xy34Zw', 9 * minutes],
      liveOld: [mine, 24 * 60 * minutes],
    } as const;
    const now = Date.now();
    for (const [name, age] of Object.values(folders)) {
      mkdirSync(path.join(tmp, name));
      writeFileSync(path.join(tmp, name, 'preview.ass'), 'Dialogue: 0,0:00:01.00,0:00:03.00,Default,,0,0,0,,Befund');
      const at = new Date(now - age);
      utimesSync(path.join(tmp, name), at, at);
    }

    const removed = await reapAbandoned(lib.core.services, [], 'reaper-test');

    const left = readdirSync(tmp).sort();
    assert.deepEqual(
      left,
      [folders.foreignFresh[0], folders.legacyFresh[0], folders.liveOld[0]].sort(),
      'only the fresh foreign, the fresh unowned and the live folder are kept',
    );
    assert.deepEqual(removed.map((r) => r.detail.folder).sort(), [`tmp/${folders.foreignOld[0]}`, `tmp/${folders.legacyOld[0]}`].sort());
    const audit = await lib.core.services.db.reader
      .withTables<{ cleanup_audit: { kind: string; detail_json: string; process: string } }>()
      .selectFrom('cleanup_audit')
      .select(['kind', 'detail_json', 'process'])
      .where('process', '=', 'reaper-test')
      .execute();
    assert.deepEqual(audit.map((a) => a.kind).sort(), ['tmp_folder', 'tmp_folder']);
    assert.ok(audit.some((a) => a.detail_json.includes(folders.foreignOld[0])));
    assert.ok(audit.some((a) => a.detail_json.includes(folders.legacyOld[0])));
  } finally {
    await lib.close();
  }
});
