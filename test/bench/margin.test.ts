import assert from 'node:assert/strict';
import { test } from 'node:test';
import { asOverhead, ratioRow, shareRow, withMargin } from './types.js';

test('bench: a target is met with 10 % margin at ≤ target ÷ 1.1 or ≥ target × 1.1', () => {
  assert.equal(withMargin(ratioRow('a', 'm', 1.13, { op: '<=', value: 1.25 })), true);
  assert.equal(withMargin(ratioRow('a', 'm', 1.14, { op: '<=', value: 1.25 })), false);
  assert.equal(withMargin(ratioRow('a', 'm', 3.31, { op: '>=', value: 3 })), true);
  assert.equal(withMargin(ratioRow('a', 'm', 3.2, { op: '>=', value: 3 })), false);
  assert.equal(withMargin({ area: 'a', metric: 'ms', value: 45.4, unit: 'ms', target: '<= 50' }), true);
  assert.equal(withMargin({ area: 'a', metric: 'ms', value: 45.5, unit: 'ms', target: '<= 50' }), false);
  // No target, no value: nothing to say.
  assert.equal(withMargin(ratioRow('a', 'm', 1.2)), undefined);
  assert.equal(withMargin(ratioRow('a', 'm', NaN, { op: '<=', value: 2 })), undefined);
});

test('bench: the same work plus ours against the work alone keeps 10 % of the allowed overhead', () => {
  const row = (v: number) => asOverhead(ratioRow('convert', 'm', v, { op: '<=', value: 1.05 }));
  assert.equal(withMargin(row(1.045)), true);
  assert.equal(withMargin(row(1.046)), false);
  // ÷ 1.1 would ask for ≤ 0.955: less than the work alone.
  assert.equal(withMargin(ratioRow('convert', 'm', 1.0, { op: '<=', value: 1.05 })), false);
});

test('bench: a share of a perfect score keeps 10 % of the allowed shortfall', () => {
  const share = (v: number, target: number) => shareRow('ocr', 'm', v, target);
  assert.equal(withMargin(share(1, 0.95)), true);
  assert.equal(withMargin(share(0.955, 0.95)), true);
  assert.equal(withMargin(share(0.954, 0.95)), false);
  assert.equal(withMargin(share(0.98, 0.98)), false);
  assert.equal(withMargin(share(1, 1)), true);
  // × 1.1 would ask for more than perfect.
  assert.equal(withMargin(ratioRow('ocr', 'm', 1, { op: '>=', value: 0.95 })), false);
  const percent = { area: 'ocr', metric: 'fields', value: 95.5, unit: '%', target: '>= 95', margin: 'share' as const };
  assert.equal(withMargin(percent), true);
  assert.equal(withMargin({ ...percent, value: 95.4 }), false);
});
