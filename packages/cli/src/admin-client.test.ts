import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { createAdminClient } from './admin-client.js';
import { CliError } from './cli.error.js';

/** A raw server whose handler the test writes, for answers the fake admin API will not give. */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<{ baseUrl: string; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<CliError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof CliError, `expected a CliError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the request to fail');
}

const get = { method: 'GET', path: '/admin/keys', schema: z.unknown() } as const;

void describe('admin client', () => {
  void it('gives up after the timeout with a message naming the URL', async () => {
    const server = await rawServer(() => {
      // Never answers.
    });
    try {
      const error = await failure(createAdminClient({ baseUrl: server.baseUrl, token: 't' }, 100).request(get));
      assert.equal(error.code, 'api.timeout');
      assert.equal(error.message, `the admin API at ${server.baseUrl} did not answer within 0.1 s`);
    } finally {
      await server.close();
    }
  });

  void it('describes an error status whose body is not the API error shape', async () => {
    const server = await rawServer((_req, res) => {
      res.writeHead(502, 'Bad Gateway', { 'content-type': 'text/html' }).end('<html>upstream down</html>');
    });
    try {
      const error = await failure(createAdminClient({ baseUrl: server.baseUrl, token: 't' }).request(get));
      assert.equal(error.code, 'api.error');
      assert.equal(error.message, 'the admin API answered 502 Bad Gateway');
    } finally {
      await server.close();
    }
  });

  void it('keeps the API error code and status beside the message', async () => {
    const server = await rawServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'admin.unauthorized', message: 'bad admin token' }));
    });
    try {
      const error = await failure(createAdminClient({ baseUrl: server.baseUrl, token: 't' }).request(get));
      assert.deepEqual([error.code, error.status, error.apiCode, error.message], ['api.error', 401, 'admin.unauthorized', 'bad admin token']);
    } finally {
      await server.close();
    }
  });

  void it('refuses a success body that is not JSON', async () => {
    const server = await rawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
    try {
      const error = await failure(createAdminClient({ baseUrl: server.baseUrl, token: 't' }).request(get));
      assert.equal(error.code, 'api.bad_response');
      assert.equal(error.message, 'unexpected response from GET /admin/keys: not JSON');
    } finally {
      await server.close();
    }
  });
});
