// A small node --test project: the shapes git-proof must name and judge.
const { test, describe, it } = require('node:test');
const assert = require('node:assert');

test('adds numbers', () => {
  assert.strictEqual(1 + 1, 2);
});

test('fails on purpose', () => {
  assert.strictEqual(1 + 1, 3);
});

test('skipped one', { skip: 'not ready' }, () => {});

test('todo one', { todo: 'later' }, () => {
  throw new Error('not written yet');
});

describe('math', () => {
  it('multiplies', () => {
    assert.strictEqual(2 * 3, 6);
  });
  describe('division', () => {
    it('divides', () => {
      assert.strictEqual(6 / 3, 2);
    });
    it('by zero', () => {
      assert.strictEqual(1 / 0, 0);
    });
  });
});

test('parent', async (t) => {
  await t.test('child a', () => {});
  await t.test('child b', () => {});
});
