import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createConsentHandlers } from './consent.handlers.js';
import { createConsentService } from '../consents/consent.service.js';
import { createCsrf } from './csrf.js';
import type { AppError } from '../http/app-error.js';
import { IMPLIED_CONSENT_PARAM } from '../oidc/offline-access.js';
import { fakeKoa } from '../../../../test/support/fake-koa.js';
import { fakeProvider, type FakeInteractionInit } from '../../../../test/support/fake-provider.js';

const clients = { app: { clientName: 'Photo App' }, own: { clientName: 'Own App', metadata: { first_party: true } } };

function setup(interaction: FakeInteractionInit, remembered: Record<string, string[]> = {}) {
  const fake = fakeProvider({ interaction, clients });
  const granted: string[][] = [];
  const consents = {
    find: (accountId: string, clientId: string) => {
      const scopes = remembered[`${accountId}/${clientId}`];
      return Promise.resolve(scopes && { accountId, clientId, scopes, createdAt: new Date(0), updatedAt: new Date(0) });
    },
    grant: (_a: string, _c: string, scopes: string[]) => {
      granted.push(scopes);
      return Promise.resolve();
    },
  } as unknown as Parameters<typeof createConsentService>[0]['consents'];
  const handlers = createConsentHandlers({
    getProvider: () => fake.provider,
    consent: createConsentService({ consents }),
    users: { findById: (id) => Promise.resolve(id === 'acc' ? { id, email: 'ada@example.com', name: null, emailVerified: false, disabled: false, createdAt: new Date(0) } : undefined) },
    csrf: createCsrf(['k']),
  });
  return { fake, handlers, granted };
}

const consentPrompt = (details: Record<string, unknown> = { missingOIDCScope: ['openid', 'email'] }) => ({ name: 'consent', details });

describe('consent handlers', () => {
  it('shows the consent page for a third-party client without a remembered consent', async () => {
    const { fake, handlers } = setup({ prompt: consentPrompt(), params: { client_id: 'app', scope: 'openid email' }, session: { accountId: 'acc' } });
    const koa = fakeKoa();
    await handlers.show(koa.ctx, fake.interaction!);
    assert.equal(koa.ctx.status, 200);
    assert.match(koa.text(), /Photo App/);
    assert.match(koa.text(), /ada@example\.com/);
    assert.match(koa.text(), /action="\/interaction\/uid-1\/consent"/);
    assert.equal(fake.finished.length, 0);
  });

  it('passes a first-party client straight through when offline_access implied the prompt', async () => {
    const params = { client_id: 'own', scope: 'openid offline_access', prompt: 'consent', [IMPLIED_CONSENT_PARAM]: 'true' };
    const { fake, handlers, granted } = setup({ prompt: consentPrompt({ missingOIDCScope: ['offline_access'] }), params, session: { accountId: 'acc' } });
    const koa = fakeKoa();
    await handlers.show(koa.ctx, fake.interaction!);
    assert.equal(fake.finished.length, 1);
    const grantId = (fake.finished[0]!.result.consent as { grantId: string }).grantId;
    assert.equal(fake.Grant.store.get(grantId)?.getOIDCScope(), 'offline_access');
    assert.deepEqual(fake.finished[0]!.options, { mergeWithLastSubmission: true });
    assert.equal(koa.ctx.respond, false);
    assert.equal(granted.length, 0, 'a pass-through remembers nothing');
  });

  it('passes a remembered consent through, and asks again when the request reaches beyond it', async () => {
    const covered = setup({ prompt: consentPrompt(), params: { client_id: 'app', scope: 'openid' }, session: { accountId: 'acc' } }, { 'acc/app': ['openid'] });
    await covered.handlers.show(fakeKoa().ctx, covered.fake.interaction!);
    assert.equal(covered.fake.finished.length, 1);

    const wider = setup({ prompt: consentPrompt(), params: { client_id: 'app', scope: 'openid email' }, session: { accountId: 'acc' } }, { 'acc/app': ['openid'] });
    const koa = fakeKoa();
    await wider.handlers.show(koa.ctx, wider.fake.interaction!);
    assert.equal(wider.fake.finished.length, 0);
    assert.equal(koa.ctx.status, 200);
  });

  it('shows the page to a first-party client that sent prompt=consent itself', async () => {
    const { fake, handlers } = setup({ prompt: consentPrompt(), params: { client_id: 'own', scope: 'openid', prompt: 'consent' }, session: { accountId: 'acc' } });
    const koa = fakeKoa();
    await handlers.show(koa.ctx, fake.interaction!);
    assert.equal(koa.ctx.status, 200);
    assert.match(koa.text(), /Own App/);
    assert.equal(fake.finished.length, 0);
  });

  it('"Allow" remembers the requested scopes and finishes with the saved grant', async () => {
    const { fake, handlers, granted } = setup({ prompt: consentPrompt(), params: { client_id: 'app', scope: 'openid email' }, session: { accountId: 'acc' } });
    await handlers.allow(fakeKoa().ctx, fake.interaction!);
    assert.deepEqual(granted, [['openid', 'email']]);
    const grantId = (fake.finished[0]!.result.consent as { grantId: string }).grantId;
    assert.equal(fake.Grant.store.get(grantId)?.accountId, 'acc');
  });

  it('refuses "Allow" when no consent is pending, and an interaction without an account', async () => {
    const login = setup({ prompt: { name: 'login' }, session: { accountId: 'acc' } });
    await assert.rejects(login.handlers.allow(fakeKoa().ctx, login.fake.interaction!), (error: AppError) => error.code === 'interaction.consent_not_pending');
    const anonymous = setup({ prompt: consentPrompt() });
    await assert.rejects(anonymous.handlers.show(fakeKoa().ctx, anonymous.fake.interaction!), (error: AppError) => error.code === 'interaction.expired');
    assert.equal(login.fake.finished.length + anonymous.fake.finished.length, 0);
  });

  it('ends an interaction whose grant is gone', async () => {
    const { fake, handlers, granted } = setup({ prompt: consentPrompt(), params: { client_id: 'app' }, session: { accountId: 'acc' }, grantId: 'gone' });
    await assert.rejects(handlers.allow(fakeKoa().ctx, fake.interaction!), (error: AppError) => error.code === 'interaction.expired');
    assert.equal(granted.length, 0);
  });
});
