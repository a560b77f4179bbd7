/**
 * A change made through one instance's admin API takes effect on the other at once, not after
 * its 10 s client cache or its 30 s key poll: the instances tell each other over Redis
 * (packages/server/src/stores/redis/change-feed.ts). Each request goes straight to one instance.
 * The deadlines below (3 s) are far under the cache lifetime and the poll, so without the
 * announcement these tests fail.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { stackEnv } from '../support/test-server.js';
import { adminUrls, publicUrls, waitFor } from './stack-control.js';

const ANNOUNCED_WITHIN_MS = 3000;

async function admin(instance: number, method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${adminUrls()[instance]}${path}`, {
    method,
    headers: { authorization: `Bearer ${stackEnv('STACK_ADMIN_TOKEN')}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** A client-credentials grant sent to one instance, as Nginx would forward it. */
async function clientCredentials(instance: number, clientId: string, secret: string): Promise<number> {
  const issuer = new URL(stackEnv('STACK_ISSUER'));
  const response = await fetch(`${publicUrls()[instance]}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
      'x-forwarded-host': issuer.host,
      'x-forwarded-proto': issuer.protocol.replace(':', ''),
      'x-forwarded-for': '127.0.0.1',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  await response.arrayBuffer();
  return response.status;
}

async function jwksKids(instance: number): Promise<string[]> {
  const issuer = new URL(stackEnv('STACK_ISSUER'));
  const response = await fetch(`${publicUrls()[instance]}/jwks`, { headers: { 'x-forwarded-host': issuer.host, 'x-forwarded-proto': issuer.protocol.replace(':', '') } });
  const { keys } = (await response.json()) as { keys: { kid: string }[] };
  return keys.map((k) => k.kid);
}

describe('changes reach every instance at once', () => {
  it('a rotated secret and a deleted client stop working on the other instance at once, though it had them cached', async () => {
    const created = await admin(0, 'POST', '/admin/clients', { client_name: 'Feed test', grant_types: ['client_credentials'] });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const clientId = created.body.client_id as string;
    const oldSecret = created.body.client_secret as string;
    // Both instances have the client (and its secret) in their caches now.
    assert.equal(await clientCredentials(0, clientId, oldSecret), 200);
    assert.equal(await clientCredentials(1, clientId, oldSecret), 200);

    const rotated = await admin(0, 'POST', `/admin/clients/${encodeURIComponent(clientId)}/rotate-secret`);
    assert.equal(rotated.status, 200);
    const newSecret = rotated.body.client_secret as string;
    const rotatedAt = Date.now();
    await waitFor('instance 2 to refuse the old secret', async () => (await clientCredentials(1, clientId, oldSecret)) === 401, ANNOUNCED_WITHIN_MS);
    assert.ok(Date.now() - rotatedAt < ANNOUNCED_WITHIN_MS);
    assert.equal(await clientCredentials(1, clientId, newSecret), 200, 'the new secret works on instance 2 at once (read from the primary, not a lagging replica)');
    assert.equal(await clientCredentials(0, clientId, oldSecret), 401);

    assert.equal((await admin(0, 'DELETE', `/admin/clients/${encodeURIComponent(clientId)}`)).status, 204);
    await waitFor('instance 2 to refuse the deleted client', async () => (await clientCredentials(1, clientId, newSecret)) === 401, ANNOUNCED_WITHIN_MS);
  });

  it('a key rotation made through instance 1 is published by instance 2 at once, not at its next poll', async () => {
    const before = new Set(await jwksKids(1));
    const rotated = await admin(0, 'POST', '/admin/keys/rotate');
    assert.equal(rotated.status, 200);
    const active = (rotated.body.keys as { kid: string; status: string }[]).filter((k) => k.status === 'active').map((k) => k.kid);
    assert.ok(active.length > 0 && active.every((kid) => !before.has(kid)), 'the rotation made new keys');
    await waitFor('instance 2 to publish the new keys', async () => {
      const kids = new Set(await jwksKids(1));
      return active.every((kid) => kids.has(kid));
    }, ANNOUNCED_WITHIN_MS);
  });
});
