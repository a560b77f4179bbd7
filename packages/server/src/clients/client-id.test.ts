import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newClientId } from './client.service.js';

describe('new client ids', () => {
  it('are 128 random bits in base64url', () => {
    const ids = new Set(Array.from({ length: 1000 }, () => newClientId()));
    assert.equal(ids.size, 1000);
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  });

  it('never start with "-", which a command line would read as an option', () => {
    // 0xF8 puts 62 in the first six bits: base64url "-". The second draw is used instead.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0)];
    assert.equal(newClientId(() => draws.shift()!), 'AAAAAAAAAAAAAAAAAAAAAA');
    assert.equal(Buffer.alloc(16, 0xf8).toString('base64url')[0], '-', 'the first draw would have started with "-"');
  });
});
