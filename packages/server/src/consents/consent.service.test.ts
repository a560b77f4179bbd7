import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'oidc-provider';
import type { Consent, ConsentRepository } from '@portcullis/db';
import { createConsentService, requestedScopes } from './consent.service.js';
import type { AppError } from '../http/app-error.js';
import { fakeProvider } from '../../../../test/support/fake-provider.js';
import { IMPLIED_CONSENT_PARAM } from '../oidc/offline-access.js';

/** Consents in memory; `granted` records every "remember". */
function fakeConsents(initial: Record<string, string[]> = {}) {
  const rows = new Map(Object.entries(initial));
  const granted: { accountId: string; clientId: string; scopes: string[] }[] = [];
  const repository = {
    find: (accountId: string, clientId: string) => {
      const scopes = rows.get(`${accountId}/${clientId}`);
      return Promise.resolve(scopes && ({ accountId, clientId, scopes, createdAt: new Date(0), updatedAt: new Date(0) } satisfies Consent));
    },
    grant: (accountId: string, clientId: string, scopes: string[]) => {
      granted.push({ accountId, clientId, scopes });
      rows.set(`${accountId}/${clientId}`, scopes);
      return Promise.resolve();
    },
  };
  return { repository: repository as unknown as ConsentRepository, granted };
}

const client = (clientId: string, firstParty = false) =>
  ({ clientId, metadata: () => ({ client_id: clientId, ...(firstParty && { first_party: true }) }) }) as unknown as Client;

describe('consent service', () => {
  it('reads the requested scopes from the scope parameter', () => {
    assert.deepEqual(requestedScopes({ scope: 'openid  email' }), ['openid', 'email']);
    assert.deepEqual(requestedScopes({}), []);
  });

  it('covers every request of a first-party client without reading consents', async () => {
    const consent = createConsentService({ consents: {} as ConsentRepository });
    assert.equal(await consent.covers('acc', client('own', true), ['openid', 'offline_access']), true);
  });

  it('covers a third-party request only when every scope is inside the remembered consent', async () => {
    const { repository } = fakeConsents({ 'acc/app': ['openid', 'email'] });
    const consent = createConsentService({ consents: repository });
    assert.equal(await consent.covers('acc', client('app'), ['openid', 'email']), true);
    assert.equal(await consent.covers('acc', client('app'), ['openid', 'offline_access']), false);
    assert.equal(await consent.covers('other', client('app'), ['openid']), false);
  });

  it('skips the page for an implied prompt=consent, never for one the client sent itself', async () => {
    const consent = createConsentService({ consents: {} as ConsentRepository });
    const own = client('own', true);
    assert.equal(await consent.passesThrough({ prompt: 'consent', [IMPLIED_CONSENT_PARAM]: 'true' }, 'acc', own, ['openid']), true);
    assert.equal(await consent.passesThrough({ prompt: 'consent' }, 'acc', own, ['openid']), false);
    assert.equal(await consent.passesThrough({ prompt: 'consent' }, 'acc', undefined, ['openid']), false, 'the page is due anyway');
    await assert.rejects(consent.passesThrough({}, 'acc', undefined, ['openid']), (error: AppError) => error.code === 'interaction.expired');
  });

  it('creates a grant for a covered request and widens an older one, saving only when something is added', async () => {
    const { provider, Grant } = fakeProvider();
    const consent = createConsentService({ consents: {} as ConsentRepository });
    const created = await consent.coveredGrant(provider, { accountId: 'acc', client: client('own', true), requested: ['openid', 'email'] });
    assert.equal(created?.getOIDCScope(), 'openid email');
    assert.equal(Grant.saved.length, 1);

    const existing = new Grant({ accountId: 'acc', clientId: 'own', scope: 'openid' });
    const widened = await consent.coveredGrant(provider, { accountId: 'acc', client: client('own', true), requested: ['openid', 'offline_access'], existing: existing as never });
    assert.equal(widened, existing);
    assert.equal(existing.getOIDCScope(), 'openid offline_access');
    assert.equal(Grant.saved.length, 2);

    assert.equal(await consent.coveredGrant(provider, { accountId: 'acc', client: client('own', true), requested: ['openid'], existing: existing as never }), existing);
    assert.equal(Grant.saved.length, 2, 'nothing missing: not saved again');
  });

  it('gives no grant for a request the remembered consent does not cover', async () => {
    const { repository } = fakeConsents({ 'acc/app': ['openid'] });
    const { provider, Grant } = fakeProvider();
    const consent = createConsentService({ consents: repository });
    assert.equal(await consent.coveredGrant(provider, { accountId: 'acc', client: client('app'), requested: ['openid', 'email'] }), undefined);
    assert.equal(Grant.saved.length, 0);
  });

  it('covers a resource\'s scopes only when the consent names them with that resource, and grants them there', async () => {
    const { repository } = fakeConsents({ 'acc/app': ['openid', 'read', 'https://a.example#read'] });
    const { provider, Grant } = fakeProvider();
    const consent = createConsentService({ consents: repository });
    const other = await consent.coveredGrant(provider, { accountId: 'acc', client: client('app'), requested: ['openid', 'read'], resources: { 'https://b.example': ['read'] } });
    assert.equal(other, undefined, 'the same scope at another resource is not covered');
    const grant = await consent.coveredGrant(provider, { accountId: 'acc', client: client('app'), requested: ['openid', 'read'], resources: { 'https://a.example': ['read'] } });
    assert.ok(grant);
    assert.equal(grant.getResourceScope('https://a.example'), 'read');
    // Granted at the resource only: a token without an audience never carries it.
    assert.equal(grant.getOIDCScope(), 'openid');
    assert.equal(grant.getOIDCScopeEncountered(), 'openid read');
    assert.equal(Grant.saved.length, 1);
    assert.equal(await consent.coveredGrant(provider, { accountId: 'acc', client: client('app'), requested: ['openid', 'read'], existing: grant, resources: { 'https://a.example': ['read'] } }), grant);
    assert.equal(Grant.saved.length, 1, 'nothing new to save');
  });

  it('"Allow" adds what is missing to the grant, saves it and remembers the consent only when asked to', async () => {
    const { repository, granted } = fakeConsents();
    const { provider, Grant } = fakeProvider();
    const consent = createConsentService({ consents: repository });
    const missing = { missingOIDCScope: ['openid', 'email', 'read'], missingOIDCClaims: ['email'], missingResourceScopes: { 'https://api.example': ['read', 'write'] } };
    const grantId = await consent.allow(provider, { accountId: 'acc', clientId: 'app', missing, requested: ['openid', 'email'], remember: true });
    const grant = Grant.store.get(grantId!)!;
    assert.equal(grant.getOIDCScope(), 'openid email', 'a scope asked at a resource is granted there only');
    assert.deepEqual([...grant.rejectedScopes], ['read']);
    assert.deepEqual(grant.claims, ['email']);
    assert.equal(grant.resourceScopes.get('https://api.example'), 'read write');
    // Each resource scope is remembered with its resource (consents/resource-consent.ts).
    assert.deepEqual(granted, [{ accountId: 'acc', clientId: 'app', scopes: ['openid', 'email', 'https://api.example#read', 'https://api.example#write'] }]);

    await consent.allow(provider, { accountId: 'acc', clientId: 'app', grantId, missing: {}, requested: ['openid'], remember: false });
    assert.equal(granted.length, 1, 'a pass-through remembers nothing');
  });

  it('"Allow" on a grant that is gone saves nothing', async () => {
    const { repository, granted } = fakeConsents();
    const { provider, Grant } = fakeProvider();
    const consent = createConsentService({ consents: repository });
    assert.equal(await consent.allow(provider, { accountId: 'acc', clientId: 'app', grantId: 'gone', missing: {}, requested: ['openid'], remember: true }), undefined);
    assert.equal(Grant.saved.length, 0);
    assert.equal(granted.length, 0);
  });
});
