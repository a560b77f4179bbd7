import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DURATION_PATTERN, parseDuration } from './admin-api.queries.js';

void describe('look-back windows', () => {
  void it('reads minutes, hours and days', () => {
    assert.equal(parseDuration('15m'), 15 * 60_000);
    assert.equal(parseDuration('24h'), 24 * 3_600_000);
    assert.equal(parseDuration('7d'), 7 * 86_400_000);
  });

  void it('refuses other shapes, zero, and more than a year', () => {
    for (const text of ['', '15', 'm', '1w', '-1d', '1.5h', '1234567m', ' 1d']) assert.equal(parseDuration(text), undefined, text);
    assert.equal(parseDuration('0m'), undefined);
    assert.equal(parseDuration('367d'), undefined);
    assert.equal(parseDuration('366d'), 366 * 86_400_000);
  });

  void it('leaves to the pattern only the shape, which a CLI can check before asking', () => {
    assert.ok(DURATION_PATTERN.test('999999d'), 'the shape is fine; the bound is the server\'s to apply');
    assert.equal(DURATION_PATTERN.test('1w'), false);
  });
});
