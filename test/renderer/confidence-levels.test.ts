import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { CONFIDENCE_THRESHOLDS, confidenceLevel } from '../../core/ocr/confidence.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

test('the core decides the confidence level; the renderer keeps no copy of the thresholds', () => {
  assert.equal(confidenceLevel(CONFIDENCE_THRESHOLDS.sure), 'sure');
  assert.equal(confidenceLevel(CONFIDENCE_THRESHOLDS.likely), 'likely');
  assert.equal(confidenceLevel(CONFIDENCE_THRESHOLDS.likely - 0.001), 'check');
  const confidenceFeature = path.join(REPO_ROOT, 'renderer', 'src', 'features', 'confidence');
  for (const f of files(path.join(REPO_ROOT, 'renderer', 'src'))) {
    const src = readFileSync(f, 'utf8');
    assert.ok(!/CONFIDENCE_THRESHOLDS|confidenceLevel\(/.test(src), `${path.relative(REPO_ROOT, f)} repeats the core's levels`);
    if (f.startsWith(confidenceFeature)) assert.ok(!/\b0\.[79]\b/.test(src), `${path.relative(REPO_ROOT, f)} holds a threshold number`);
  }
});
