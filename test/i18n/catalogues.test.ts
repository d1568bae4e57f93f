import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { checkCatalogues, type CatalogueSet } from './check.js';

const LANGUAGES = ['en', 'de'] as const;
const SRC = path.join(REPO_ROOT, 'renderer', 'src');

/** Every `locales/` folder of the renderer: src/i18n/locales (common) and src/features/<name>/locales. */
function catalogueFolders(): Array<{ namespace: string; dir: string }> {
  const out = [{ namespace: 'common', dir: path.join(SRC, 'i18n', 'locales') }];
  for (const f of readdirSync(path.join(SRC, 'features'), { withFileTypes: true })) {
    const dir = path.join(SRC, 'features', f.name, 'locales');
    if (f.isDirectory() && existsSync(dir)) out.push({ namespace: f.name, dir });
  }
  return out;
}

function load(dir: string): CatalogueSet {
  const set: CatalogueSet = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    set[file.replace(/\.json$/, '')] = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Record<string, unknown>;
  }
  return set;
}

test('every catalogue exists in English and German with the same keys, plural forms and placeholders', () => {
  const folders = catalogueFolders();
  assert.ok(folders.length >= 2, 'the common catalogue and at least one feature catalogue');
  const problems = folders.flatMap(({ namespace, dir }) => checkCatalogues(load(dir), LANGUAGES).map((p) => `${namespace}: ${p}`));
  assert.deepEqual(problems, []);
});

test('the check finds a missing key, a missing plural form, a lost placeholder and an empty text', () => {
  const problems = checkCatalogues(
    {
      en: { a: 'A', nested: { b: 'B {{name}}' }, files_one: '{{count}} file', files_other: '{{count}} files', e: 'E' },
      de: { nested: { b: 'B' }, files_other: '{{count}} Dateien', e: '' },
    },
    LANGUAGES,
  );
  assert.ok(problems.some((p) => p.includes('de') && p.includes('"a"') && p.includes('missing')));
  assert.ok(problems.some((p) => p.includes('"files_one"')));
  assert.ok(problems.some((p) => p.includes('"nested.b"') && p.includes('{{name}}')));
  assert.ok(problems.some((p) => p.includes('"e"') && p.includes('empty')));
  assert.ok(checkCatalogues({ en: { a: 'A' } }, LANGUAGES).some((p) => p.includes('de.json')));
});
