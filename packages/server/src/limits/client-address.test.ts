import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createExemption, limitAddress } from './client-address.js';

void describe('limitAddress', () => {
  void it('keeps IPv4, unwraps IPv4-mapped IPv6, and groups IPv6 by /64', () => {
    assert.equal(limitAddress('192.0.2.1'), '192.0.2.1');
    assert.equal(limitAddress('::ffff:192.0.2.1'), '192.0.2.1');
    assert.equal(limitAddress('2001:db8:0:1:aaaa::1'), '2001:db8:0:1::/64');
    assert.equal(limitAddress('2001:db8:0:1:bbbb:cccc:dddd:eeee'), '2001:db8:0:1::/64');
    assert.equal(limitAddress('2001:db8::1'), '2001:db8:0:0::/64');
    assert.equal(limitAddress('::1'), '0:0:0:0::/64');
  });

  void it('exempts only the configured addresses', () => {
    const exempt = createExemption(['127.0.0.1']);
    assert.equal(exempt('::ffff:127.0.0.1'), true);
    assert.equal(exempt('127.0.0.2'), false);
  });
});
