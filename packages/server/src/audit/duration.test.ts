import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from './duration.js';

describe('audit look-back durations', () => {
  it('reads minutes, hours and days', () => {
    assert.equal(parseDuration('15m'), 15 * 60_000);
    assert.equal(parseDuration('24h'), 24 * 3_600_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
  });

  it('accepts at most a year (366 days)', () => {
    assert.equal(parseDuration('366d'), 366 * 86_400_000);
    assert.equal(parseDuration('367d'), undefined);
    assert.equal(parseDuration('8785h'), undefined);
  });

  it('refuses zero, other units, signs, spaces, decimals and overlong numbers', () => {
    for (const text of ['0m', '15s', '1w', '-5m', '+5m', ' 5m', '5m ', '1.5h', '1234567m', 'm', '', '5']) {
      assert.equal(parseDuration(text), undefined, text);
    }
  });
});
