/**
 * Client metadata is cached per instance (oidc/client-cache.ts); a change made through the
 * admin API must take effect at once on the instance that made it, cache or not.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('client cache and admin changes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const grant = (clientId: string, secret: string) =>
    fetch(`${server.issuer}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    });

  async function serviceClient(): Promise<{ client_id: string; client_secret: string }> {
    const created = await server.admin('POST', '/admin/clients', { client_name: 'Cached service', grant_types: ['client_credentials'], redirect_uris: [] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body;
  }

  it('accepts a rotated secret at once and refuses the old one', async () => {
    const client = await serviceClient();
    assert.equal((await grant(client.client_id, client.client_secret)).status, 200); // now cached
    const rotated = await server.admin('POST', `/admin/clients/${client.client_id}/rotate-secret`);
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.equal((await grant(client.client_id, rotated.body.client_secret)).status, 200);
    assert.equal((await grant(client.client_id, client.client_secret)).status, 401);
  });

  it('refuses a deleted client at once', async () => {
    const client = await serviceClient();
    assert.equal((await grant(client.client_id, client.client_secret)).status, 200);
    assert.equal((await server.admin('DELETE', `/admin/clients/${client.client_id}`)).status, 204);
    assert.equal((await grant(client.client_id, client.client_secret)).status, 401);
  });

  it('applies an update at once', async () => {
    const client = await serviceClient();
    assert.equal((await grant(client.client_id, client.client_secret)).status, 200);
    const updated = await server.admin('PATCH', `/admin/clients/${client.client_id}`, { grant_types: ['authorization_code'], redirect_uris: ['https://app.example.test/cb'] });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const refused = await grant(client.client_id, client.client_secret);
    assert.equal(refused.status, 400);
    const body = (await refused.json()) as { error: string; error_description: string };
    assert.equal(body.error_description, 'requested grant type is not allowed for this client');
  });
});
