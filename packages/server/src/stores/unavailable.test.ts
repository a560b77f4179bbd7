import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { errors } from 'oidc-provider';
import { asUnavailable, isUnavailable, orUnavailable, UnavailableError } from './unavailable.js';

/** A real ECONNREFUSED, from a loopback port nobody listens on. */
async function refusedConnection(): Promise<Error> {
  const port = await new Promise<number>((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as net.AddressInfo;
      server.close(() => resolve(free));
    });
  });
  return new Promise((resolve) => net.connect({ host: '127.0.0.1', port }).once('error', resolve));
}

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isUnavailable', () => {
  it('recognises a dependency that is down, slow or failing over', async () => {
    for (const error of [
      await refusedConnection(),
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], ''),
      withCode('57P01', 'terminating connection due to administrator command'),
      withCode('57P03', 'the database system is starting up'),
      withCode('53300', 'too many connections'),
      withCode('08006', 'connection failure'),
      withCode('25006', 'cannot execute INSERT in a read-only transaction'),
      new Error('Query read timeout'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Connection terminated unexpectedly'),
      new Error('Command timed out'),
      new Error("Stream isn't writeable and enableOfflineQueue options is false"),
      new Error('LOADING Redis is loading the dataset in memory'),
      new Error('READONLY You can\'t write against a read only replica.'),
      new UnavailableError(new Error('anything')),
    ]) {
      assert.ok(isUnavailable(error), `${String(error)} should mean unavailable`);
    }
  });

  it('leaves bugs, bad input and OAuth errors alone', () => {
    for (const error of [
      new TypeError('x is undefined'),
      withCode('23505', 'duplicate key value'),
      withCode('22021', 'invalid byte sequence'),
      new errors.InvalidGrant('already consumed'),
      new AggregateError([withCode('ECONNREFUSED'), new TypeError('bug')], ''),
      'a string',
      undefined,
    ]) {
      assert.equal(isUnavailable(error), false, `${String(error)} should not mean unavailable`);
    }
  });
});

describe('UnavailableError', () => {
  it('carries 503 for the provider and hides its detail from clients', async () => {
    const wrapped = asUnavailable(withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6379'));
    assert.ok(wrapped instanceof UnavailableError);
    assert.equal(wrapped.statusCode, 503);
    assert.equal(wrapped.expose, false);
    const invalid = new errors.InvalidGrant('replay');
    await assert.rejects(orUnavailable(Promise.reject(invalid)), (error) => error === invalid);
    assert.equal(await orUnavailable(Promise.resolve(7)), 7);
  });
});
