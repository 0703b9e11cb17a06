import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAnswerPath, readAnswer } from '../../src/flows/index.js';

describe('paths into a business system’s answer', () => {
  it('reads keys and indexes, chained', () => {
    assert.deepEqual(parseAnswerPath('orders[0].lines[2][1].sku'), [
      { key: 'orders' },
      { index: 0 },
      { key: 'lines' },
      { index: 2 },
      { index: 1 },
      { key: 'sku' },
    ]);
    assert.deepEqual(parseAnswerPath('[3]'), [{ index: 3 }]);
    assert.deepEqual(parseAnswerPath('reply.order.@id'), [{ key: 'reply' }, { key: 'order' }, { key: '@id' }]);
  });

  it('refuses what is not a path, and such a path reads nothing', () => {
    for (const bad of ['', 'a..b', '.a', 'a.', 'a[x]', 'a[0', 'a]0[', 'a.[0]', 'a[-1]']) {
      assert.equal(parseAnswerPath(bad), undefined, bad);
      assert.equal(readAnswer({ a: [{ b: 1 }] }, bad, false), undefined, bad);
    }
  });

  it('never reads through a prototype, nor treats a string as an array', () => {
    assert.equal(readAnswer({}, 'constructor', false), undefined);
    assert.equal(readAnswer({ a: {} }, 'a.__proto__', false), undefined);
    assert.equal(readAnswer({ a: 'text' }, 'a[0]', false), undefined);
    assert.equal(readAnswer({ a: 'text' }, 'a.length', false), undefined);
    assert.equal(readAnswer({ a: [1, 2] }, 'a.length', false), undefined);
  });

  it('is lenient for XML only: one element or several', () => {
    assert.equal(readAnswer({ order: { id: '7' } }, 'order[0].id', true), '7');
    assert.equal(readAnswer({ order: { id: '7' } }, 'order[0].id', false), undefined);
    assert.equal(readAnswer({ order: [{ id: '7' }, { id: '8' }] }, 'order.id', true), '7');
    assert.equal(readAnswer({ order: [{ id: '7' }, { id: '8' }] }, 'order.id', false), undefined);
  });
});
