import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '@portcullis/config';
import { describeStartupError, redact } from './startup-error.js';

const secrets = { COOKIE_KEYS: 'k'.repeat(40), ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), ADMIN_TOKEN: 't'.repeat(40) };
const production = loadConfig({
  ...secrets,
  DATABASE_URL: 'postgres://app:pa55word@db.internal:6432/portcullis',
  DATABASE_READ_URL: 'postgres://app:pa55word@replicas.internal:5433/portcullis',
  REDIS_URL: 'redis://:redispass@cache.internal:6380',
});

function refused(port: number): Error {
  return Object.assign(new Error(`connect ECONNREFUSED 10.0.0.1:${port}`), { code: 'ECONNREFUSED', port });
}

describe('start-up errors in the operator’s terms', () => {
  it('names the URL variable whose port the failed connection used, without its password', () => {
    assert.equal(describeStartupError(refused(6432), production), 'cannot reach the database at DATABASE_URL (postgres://app@db.internal:6432/portcullis): ECONNREFUSED; is it running, and is the address right?');
    assert.match(describeStartupError(refused(5433), production), /^cannot reach the database at DATABASE_READ_URL \(postgres:\/\/app@replicas/);
    assert.match(describeStartupError(refused(6380), production), /^cannot reach Redis at REDIS_URL \(redis:\/\/cache\.internal:6380\)/);
  });

  it('looks inside an AggregateError (every address of a host name failed)', () => {
    const error = new AggregateError([refused(6432), refused(6432)], 'connect failed');
    assert.match(describeStartupError(error, production), /DATABASE_URL/);
  });

  it('never prints a password, whatever the error', () => {
    for (const error of [refused(6432), refused(5433), refused(6380), new AggregateError([refused(1)], 'x')]) {
      assert.doesNotMatch(describeStartupError(error, production), /pa55word|redispass/);
    }
    assert.equal(redact('postgres://u:secret@h/db'), 'postgres://u@h/db');
    assert.equal(redact('postgres://u@h:6432/db?password=secret&sslmode=require#x'), 'postgres://u@h:6432/db');
    assert.equal(redact('redis://:secret@cache:6380/0?password=secret'), 'redis://cache:6380/0');
    assert.equal(redact('not a url'), '(unparsable URL)');
  });

  it('keeps any other message as it is', () => {
    assert.equal(describeStartupError(new Error('something else'), production), 'something else');
  });

  it('names no variable when none matches the failed connection, rather than guessing the first', () => {
    const message = describeStartupError(refused(9999), production);
    assert.doesNotMatch(message, /DATABASE_URL|DATABASE_READ_URL|REDIS_URL/);
    assert.equal(message, 'connect ECONNREFUSED 10.0.0.1:9999');
  });

  it('names REDIS_SENTINELS for a Sentinel that cannot be reached, by port or by host name', () => {
    const sentinels = loadConfig({ ...secrets, DATABASE_URL: 'postgres://app:pa55word@db.internal:6432/portcullis', REDIS_SENTINELS: 'sentinel-a:26379,sentinel-b:26380', REDIS_SENTINEL_NAME: 'portcullis' });
    assert.equal(describeStartupError(refused(26380), sentinels), 'cannot reach the Redis Sentinels at REDIS_SENTINELS (sentinel-a:26379,sentinel-b:26380): ECONNREFUSED; is it running, and is the address right?');
    const lookup = Object.assign(new Error('getaddrinfo ENOTFOUND sentinel-b'), { code: 'ENOTFOUND', hostname: 'sentinel-b' });
    assert.match(describeStartupError(lookup, sentinels), /^cannot reach the Redis Sentinels at REDIS_SENTINELS/);
  });
});
