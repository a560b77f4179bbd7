import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Account } from '@portcullis/db';
import { createAccountSessions } from './account-session.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import { sessionHandle } from '../oidc/account-artefacts.js';
import { ACR } from '../oidc/acr.js';
import { fakeKoa } from '../../../../test/support/fake-koa.js';
import { fakeProvider } from '../../../../test/support/fake-provider.js';

const COOKIE = 'portcullis.account';
const cookie = (accountId: string, sid: string) => Buffer.from(JSON.stringify({ a: accountId, s: sid })).toString('base64url');
const account = (extra: Partial<Account> = {}): Account => ({ id: 'acc', email: 'ada@example.com', name: null, emailVerified: false, disabled: false, createdAt: new Date(0), ...extra });

function setup(options: { account?: Account; sessionAccount?: string } = {}) {
  const fake = fakeProvider({ sessions: [{ jti: 'sess-1', uid: 'uid-s', accountId: options.sessionAccount ?? 'acc', acr: ACR.mfa, sids: { [ACCOUNT_CLIENT_ID]: 'sid-1' } }] });
  const looked: string[] = [];
  const sessions = createAccountSessions({
    getProvider: () => fake.provider,
    users: { findById: (id) => (looked.push(id), Promise.resolve(id === 'acc' ? (options.account ?? account()) : undefined)) },
    secure: false,
  });
  return { sessions, looked };
}

describe('account page session', () => {
  it('resolves the account of a live provider session that still carries the bound sid', async () => {
    const { sessions } = setup();
    const koa = fakeKoa({ cookies: { [COOKIE]: cookie('acc', 'sid-1'), 'portcullis.session': 'sess-1' } });
    assert.deepEqual(await sessions.resolve(koa.ctx), {
      accountId: 'acc', email: 'ada@example.com', sessionId: 'sess-1', handle: sessionHandle('uid-s'), csrfScope: 'account:sid-1', acr: ACR.mfa, emailVerified: false,
    });
  });

  it('resolves nothing without the cookie, with a broken one, or when the provider session moved on', async () => {
    const { sessions, looked } = setup();
    const none = async (cookies: Record<string, string>) => assert.equal(await sessions.resolve(fakeKoa({ cookies }).ctx), undefined);
    await none({ 'portcullis.session': 'sess-1' });
    await none({ [COOKIE]: 'not-base64-json', 'portcullis.session': 'sess-1' });
    await none({ [COOKIE]: cookie('acc', 'sid-1') });
    await none({ [COOKIE]: cookie('acc', 'sid-old'), 'portcullis.session': 'sess-1' });
    await none({ [COOKIE]: cookie('someone-else', 'sid-1'), 'portcullis.session': 'sess-1' });
    assert.deepEqual(looked, [], 'the account is read only once the session matches');
  });

  it('resolves nothing for a disabled account', async () => {
    const { sessions } = setup({ account: account({ disabled: true }) });
    assert.equal(await sessions.resolve(fakeKoa({ cookies: { [COOKIE]: cookie('acc', 'sid-1'), 'portcullis.session': 'sess-1' } }).ctx), undefined);
  });

  it('binds the page to the provider session of the same account only, and clears the binding', async () => {
    const { sessions } = setup();
    const koa = fakeKoa({ cookies: { 'portcullis.session': 'sess-1' } });
    assert.equal(await sessions.establish(koa.ctx, 'other'), false);
    assert.equal(koa.setCookies.length, 0);
    assert.equal(await sessions.establish(koa.ctx, 'acc'), true);
    assert.equal(koa.setCookies[0]!.name, COOKIE);
    assert.equal(koa.setCookies[0]!.value, cookie('acc', 'sid-1'));
    assert.deepEqual(koa.setCookies[0]!.options, { httpOnly: true, sameSite: 'lax', secure: false, path: '/account', signed: true, overwrite: true });
    sessions.clear(koa.ctx);
    assert.equal(koa.setCookies[1]!.value, null);
  });
});
