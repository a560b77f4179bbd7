import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type Provider from 'oidc-provider';
import { answerOutagesWith503 } from './outage-status.js';

describe('answerOutagesWith503', () => {
  const emitted = (status: number, error: Error) => {
    const provider = new EventEmitter();
    answerOutagesWith503(provider as unknown as Provider);
    const ctx = { status };
    provider.emit('server_error', ctx, error);
    return ctx.status;
  };

  it('turns an unmarked dependency failure into a 503', () => {
    assert.equal(emitted(500, Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })), 503);
    assert.equal(emitted(500, new Error('Query read timeout')), 503);
  });

  it('leaves bugs as 500 and other statuses alone', () => {
    assert.equal(emitted(500, new TypeError('undefined is not a function')), 500);
    assert.equal(emitted(303, new Error('Query read timeout')), 303);
  });
});
