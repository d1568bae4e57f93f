import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CONFIDENCE_THRESHOLDS } from '../../core/ocr/confidence.js';
import { REPO_ROOT } from '../helpers/fixtures.js';

test("the renderer's confidence levels use the core's thresholds", () => {
  const src = readFileSync(path.join(REPO_ROOT, 'renderer', 'src', 'features', 'confidence', 'levels.ts'), 'utf8');
  const m = /CONFIDENCE_THRESHOLDS = \{ sure: ([\d.]+), likely: ([\d.]+) \}/.exec(src);
  assert.ok(m, 'levels.ts declares CONFIDENCE_THRESHOLDS');
  assert.deepEqual({ sure: Number(m[1]), likely: Number(m[2]) }, { ...CONFIDENCE_THRESHOLDS });
});
