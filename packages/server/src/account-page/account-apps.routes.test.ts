/**
 * "Connected apps" through its router, on the fake Koa context: the list, and "Remove access"
 * asking the connected-apps service for exactly this account's app.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { accountAppsRoutes } from './account-apps.routes.js';
import { createAccountPages } from './account-pages.js';
import type { AccountSession, AccountSessions } from './account-session.js';
import type { ConnectedApps } from '../consents/connected-apps.service.js';
import type { RequestMeta } from '../audit/audit.service.js';
import { createCsrf } from '../interactions/csrf.js';
import { createSealedCookies } from '../http/sealed-cookie.js';
import { createSecretBox } from '../crypto/secret-box.js';
import type { AppError } from '../http/app-error.js';
import { ACR } from '../oidc/acr.js';
import { fakeKoa, run } from '../../../../test/support/fake-koa.js';

const signedIn: AccountSession = { accountId: 'acc', email: 'ada@example.com', sessionId: 'sess-1', handle: 'h-1', csrfScope: 'account:sid-1', emailVerified: true, acr: ACR.password };

function setup(session: AccountSession | null = signedIn) {
  const csrf = createCsrf(['k']);
  const sessions: AccountSessions = { resolve: () => Promise.resolve(session ?? undefined), establish: () => Promise.resolve(true), clear: () => undefined };
  const pages = createAccountPages({ sessions, csrf, sealed: createSealedCookies({ box: createSecretBox(randomBytes(32)), secure: false }), hasSecondFactor: () => Promise.resolve(false) });
  const removed: { accountId: string; clientId: string; reason: string; meta: RequestMeta }[] = [];
  const connectedApps: ConnectedApps = {
    list: (accountId) => Promise.resolve(accountId === 'acc' ? [{ clientId: 'photos', clientName: 'Photo App', scopes: ['openid', 'email'], since: new Date(0), updatedAt: new Date(0) }] : []),
    remove: (accountId, clientId, reason, meta) => (removed.push({ accountId, clientId, reason, meta }), Promise.resolve({ consentRevoked: true, grantsRevoked: 1 })),
  };
  return { routes: accountAppsRoutes({ pages, connectedApps }).routes(), removed, token: csrf.tokenFor(signedIn.csrfScope) };
}

describe('account connected-apps routes', () => {
  it('lists the apps the account allowed', async () => {
    const { routes } = setup();
    const koa = fakeKoa({ path: '/account/apps/' });
    await run(routes, koa);
    assert.equal(koa.ctx.status, 200);
    assert.match(koa.text(), /Photo App/);
    assert.match(koa.text(), /action="\/account\/apps\/photos\/remove"/);
  });

  it('sends a browser without an account session to sign in, and removes nothing', async () => {
    const { routes, removed } = setup(null);
    const koa = fakeKoa({ path: '/account/apps/photos/remove', form: { csrf: 'x' } });
    await run(routes, koa);
    assert.equal(koa.location(), '/account/login');
    assert.equal(removed.length, 0);
  });

  it('removes an app of this account with the account page as reason and the request\'s address', async () => {
    const { routes, removed, token } = setup();
    const koa = fakeKoa({ path: '/account/apps/photos/remove', form: { csrf: token }, ip: '198.51.100.4', headers: { 'User-Agent': 'UA' } });
    await run(routes, koa);
    assert.deepEqual(removed, [{ accountId: 'acc', clientId: 'photos', reason: 'account_page', meta: { ip: '198.51.100.4', userAgent: 'UA' } }]);
    assert.equal(koa.ctx.status, 303);
    assert.equal(koa.location(), '/account/apps');
  });

  it('removes nothing for an app the account never allowed, or without the CSRF token', async () => {
    const { routes, removed, token } = setup();
    const koa = fakeKoa({ path: '/account/apps/someone-elses/remove', form: { csrf: token } });
    await run(routes, koa);
    assert.equal(koa.ctx.status, 303);
    await assert.rejects(run(routes, fakeKoa({ path: '/account/apps/photos/remove', form: { csrf: 'forged' } })), (error: AppError) => error.code === 'request.csrf');
    assert.equal(removed.length, 0);
  });
});
