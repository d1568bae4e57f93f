import { test } from 'node:test';
import assert from 'node:assert/strict';
import { oneLine, table } from '../../core/cli/output.js';

test('a file name with a newline or a tab keeps the CLI table one line per row', () => {
  const out = table(
    ['id', 'name'],
    [
      ['1', 'two\nlines.mp4'],
      ['2', 'tab\there.mp4'],
    ],
  );
  const lines = out.split('\n');
  assert.equal(lines.length, 4, out);
  assert.match(lines[2]!, /^1 +two\\nlines\.mp4$/);
  assert.match(lines[3]!, /^2 +tab\\there\.mp4$/);
  assert.equal(oneLine('a\u0007b'), 'a\\x07b');
});
