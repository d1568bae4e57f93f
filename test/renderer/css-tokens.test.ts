import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../helpers/fixtures.js';

const SRC = path.join(REPO_ROOT, 'renderer', 'src');

function files(dir: string, ext: RegExp, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) files(p, ext, out);
    else if (ext.test(e.name)) out.push(p);
  }
  return out;
}

test('the renderer CSS uses only custom properties that are defined (design tokens or set locally)', () => {
  const css = files(SRC, /\.css$/);
  const tsx = files(SRC, /\.tsx?$/);
  const defined = new Set<string>();
  for (const f of css) for (const m of readFileSync(f, 'utf8').matchAll(/(--[\w-]+)\s*:/g)) defined.add(m[1]!);
  // Properties a component sets inline (style={{ '--player-share': … }}).
  for (const f of tsx) for (const m of readFileSync(f, 'utf8').matchAll(/['"](--[\w-]+)['"]/g)) defined.add(m[1]!);
  const undefinedUses: string[] = [];
  for (const f of [...css, ...tsx])
    for (const m of readFileSync(f, 'utf8').matchAll(/var\(\s*(--[\w-]+)/g))
      if (!defined.has(m[1]!)) undefinedUses.push(`${path.relative(SRC, f)}: ${m[1]}`);
  assert.deepEqual(undefinedUses, []);
  // The dark theme defines every colour the light theme does (no dark-only or light-only colours).
  const tokens = readFileSync(path.join(SRC, 'styles', 'tokens.css'), 'utf8');
  const [light, dark] = tokens.split(":root[data-theme='dark']");
  const names = (s: string) => new Set([...s.matchAll(/(--[\w-]+)\s*:/g)].map((m) => m[1]!));
  const colour = /^--(bg|border|text|accent|success|warning|danger|info|neutral|overlay|shadow)/;
  const lightColours = [...names(light!)].filter((n) => colour.test(n) && !/^--text-(xs|s|m|l|xl)$/.test(n));
  const missingInDark = lightColours.filter((n) => !names(dark!).has(n));
  assert.deepEqual(missingInDark, []);
  assert.deepEqual(
    [...names(dark!)].filter((n) => !names(light!).has(n)),
    [],
    'a colour only the dark theme has',
  );
});
