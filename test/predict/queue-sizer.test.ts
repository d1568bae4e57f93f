import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueueSizer } from '../../core/predict/queue-sizer.js';

/** The queue between decoding and inference is sized from the measured rates (pure arithmetic: no media needed). */
describe('prediction queue sizing', () => {
  const MB = 1024 * 1024;

  it('is 2 (one batch running, one ready) until both sides are measured, and while both are steady', () => {
    const q = new QueueSizer({ batchBytes: MB });
    assert.equal(q.size, 2);
    q.decoded(50);
    assert.equal(q.size, 2, 'inference not measured yet');
    for (let i = 0; i < 20; i++) {
      q.decoded(50);
      q.inferred(30);
    }
    assert.equal(q.size, 2);
  });

  /** One batch each side per step. */
  const feed = (q: QueueSizer, steps: Array<[decodeMs: number, inferMs: number]>) => {
    for (const [d, i] of steps) {
      q.decoded(d);
      q.inferred(i);
    }
  };
  const steady = (n: number, d: number, i: number) => Array.from({ length: n }, (): [number, number] => [d, i]);

  it('grows when decode-bound and inference has a slow batch, so the decoder does not wait; shrinks once it ages out', () => {
    const q = new QueueSizer({ batchBytes: MB });
    feed(q, [...steady(20, 50, 20), [50, 240], ...steady(6, 50, 20)]);
    assert.ok(q.rates.decodeMs! > q.rates.inferMs!, 'decode-bound');
    // While the worker spends 240 ms on one batch the decoder delivers 240 / 50 ≈ 5 more.
    assert.equal(q.size, 1 + Math.ceil(240 / q.rates.decodeMs!));
    assert.ok(q.size >= 5, `size ${q.size}`);
    feed(q, steady(16, 50, 20));
    assert.equal(q.size, 2);
  });

  it('grows when inference-bound and decoding has a slow batch (keyframes, seeks), so the worker does not run dry', () => {
    const q = new QueueSizer({ batchBytes: MB });
    feed(q, [...steady(20, 40, 100), [400, 100], ...steady(6, 40, 100)]);
    assert.ok(q.rates.inferMs! > q.rates.decodeMs!, 'inference-bound');
    assert.equal(q.size, 1 + Math.ceil(400 / q.rates.inferMs!));
    assert.ok(q.size >= 5, `size ${q.size}`);
  });

  it('never holds more frames than the memory budget (or the hard maximum) allows', () => {
    const spike = [...steady(20, 100, 10), [100, 2000] as [number, number], ...steady(8, 100, 10)];
    const big = new QueueSizer({ batchBytes: 48 * MB, memoryBudget: 128 * MB });
    assert.equal(big.max, 2);
    feed(big, spike);
    assert.ok(big.rates.decodeMs! > big.rates.inferMs!, 'decode-bound');
    assert.equal(big.size, 2);
    const small = new QueueSizer({ batchBytes: MB });
    feed(small, spike);
    assert.equal(small.size, 16, 'the wanted 21 is capped');
  });
});
