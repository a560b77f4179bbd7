/**
 * "Your sessions" through its router, on the fake Koa context: who may see the list, CSRF on
 * every POST, and what the session service is asked to end.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { accountSessionRoutes } from './account-sessions.routes.js';
import { createAccountPages, STEP_UP_PATH } from './account-pages.js';
import type { AccountSession, AccountSessions } from './account-session.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import type { SessionSummary } from '../oidc/account-artefacts.js';
import { createCsrf } from '../interactions/csrf.js';
import { createSealedCookies } from '../http/sealed-cookie.js';
import { createSecretBox } from '../crypto/secret-box.js';
import type { AppError } from '../http/app-error.js';
import { ACR } from '../oidc/acr.js';
import { fakeKoa, run } from '../../../../test/support/fake-koa.js';

const signedIn: AccountSession = { accountId: 'acc', email: 'ada@example.com', sessionId: 'sess-1', handle: 'h-1', csrfScope: 'account:sid-1', emailVerified: true, acr: ACR.password };
const summaries: SessionSummary[] = [
  { id: 'sess-1', handle: 'h-1', accountId: 'acc', clientIds: [] },
  { id: 'sess-2', handle: 'h-2', accountId: 'acc', clientIds: [] },
  { id: 'sess-3', handle: 'h-3', accountId: 'acc', clientIds: [] },
];

function setup(options: { session?: AccountSession; hasSecondFactor?: boolean } = {}) {
  const csrf = createCsrf(['k']);
  const sessions: AccountSessions = { resolve: () => Promise.resolve(options.session), establish: () => Promise.resolve(true), clear: () => undefined };
  const pages = createAccountPages({ sessions, csrf, sealed: createSealedCookies({ box: createSecretBox(randomBytes(32)), secure: false }), hasSecondFactor: () => Promise.resolve(options.hasSecondFactor ?? false) });
  const ended: { accountId: string; handles: string[]; reason: string; clientId: string | null | undefined }[] = [];
  const ending = {
    listSessions: () => Promise.resolve(summaries),
    end: (accountId: string, list: readonly Pick<SessionSummary, 'handle'>[], why: { reason: string; clientId?: string | null }) => {
      ended.push({ accountId, handles: list.map((s) => s.handle), reason: why.reason, clientId: why.clientId });
      return Promise.resolve(list.length);
    },
  } as unknown as SessionEnding;
  const routes = accountSessionRoutes({ pages, ending }).routes();
  return { routes, ended, token: csrf.tokenFor(signedIn.csrfScope) };
}

describe('account sessions routes', () => {
  it('sends a browser without an account session to sign in', async () => {
    const { routes } = setup();
    const koa = fakeKoa({ path: '/account/sessions/' });
    assert.deepEqual(await run(routes, koa), { matched: true });
    assert.equal(koa.ctx.status, 303);
    assert.equal(koa.location(), '/account/login');
  });

  it('sends a password-only session of an account with a second factor to step up first', async () => {
    const { routes, ended } = setup({ session: signedIn, hasSecondFactor: true });
    const koa = fakeKoa({ path: '/account/sessions/revoke-others', form: { csrf: 'x' } });
    await run(routes, koa);
    assert.equal(koa.ctx.status, 303);
    assert.equal(koa.location(), STEP_UP_PATH);
    assert.equal(ended.length, 0);
  });

  it('lists the sessions, marking the current one', async () => {
    const { routes } = setup({ session: signedIn });
    const koa = fakeKoa({ path: '/account/sessions/' });
    await run(routes, koa);
    assert.equal(koa.ctx.status, 200);
    assert.match(koa.text(), /h-2/);
    assert.match(koa.text(), /h-3/);
    assert.equal(koa.responseHeaders.get('cache-control'), 'no-store');
  });

  it('ends every other session, with the account page as reason', async () => {
    const { routes, ended, token } = setup({ session: signedIn });
    const koa = fakeKoa({ path: '/account/sessions/revoke-others', form: { csrf: token } });
    await run(routes, koa);
    assert.deepEqual(ended, [{ accountId: 'acc', handles: ['h-2', 'h-3'], reason: 'account_page', clientId: ACCOUNT_CLIENT_ID }]);
    assert.equal(koa.ctx.status, 303);
    assert.equal(koa.location(), '/account/sessions');
  });

  it('refuses a POST without the CSRF token of this account session', async () => {
    const { routes, ended } = setup({ session: signedIn });
    const koa = fakeKoa({ path: '/account/sessions/h-2/revoke', form: { csrf: createCsrf(['k']).tokenFor('account:other-sid') } });
    await assert.rejects(run(routes, koa), (error: AppError) => error.code === 'request.csrf');
    assert.equal(ended.length, 0);
  });

  it('ends one session by its handle, but never the current one or a handle it does not own', async () => {
    const { routes, ended, token } = setup({ session: signedIn });
    const post = async (handle: string) => {
      const koa = fakeKoa({ path: `/account/sessions/${handle}/revoke`, form: { csrf: token } });
      await run(routes, koa);
      assert.equal(koa.ctx.status, 303);
    };
    await post('h-2');
    await post('h-1');
    await post('someone-elses');
    assert.deepEqual(ended.map((e) => e.handles), [['h-2']]);
  });
});
