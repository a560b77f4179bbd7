import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useFakeAdminApi } from '../testing/fake-admin-api.js';
import { userBody, userDetailBody } from '../testing/fixtures.js';
import { envFor, run } from '../testing/run.js';

void describe('portcullis users', () => {
  const api = useFakeAdminApi();

  void it('list passes --limit and --offset as query parameters and prints a table', async () => {
    api.reply = () => ({ status: 200, body: { users: [userBody(), userBody({ id: 'usr_2', email: 'bob@example.com', name: null, disabled: true })] } });
    const result = await run(['users', 'list', '--limit', '2', '--offset', '10'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.url, '/admin/users?limit=2&offset=10');
    assert.match(result.stdout, /^ID +E-MAIL +NAME +VERIFIED +DISABLED +CREATED$/m);
    assert.match(result.stdout, /^usr_2 +bob@example\.com +- +yes +yes/m);
  });

  void it('list sends no paging parameters unless asked', async () => {
    api.reply = () => ({ status: 200, body: { users: [] } });
    const result = await run(['users', 'list'], envFor(api));
    assert.equal(api.requests[0]?.url, '/admin/users');
    assert.equal(result.stdout, 'No users.\n');
  });

  void it('rejects a non-numeric --limit with exit 2 and no request', async () => {
    const result = await run(['users', 'list', '--limit', 'ten'], envFor(api));
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'portcullis: --limit must be a whole number\n');
    assert.equal(api.requests.length, 0);
  });

  void it('show URL-encodes an e-mail address', async () => {
    api.reply = () => ({ status: 200, body: userDetailBody({ email: 'a+b@example.com' }) });
    const result = await run(['users', 'show', 'a+b@example.com', '--json'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.url, '/admin/users/a%2Bb%40example.com');
    assert.equal((JSON.parse(result.stdout) as { email: string }).email, 'a+b@example.com');
  });

  void it('show prints the authenticator app, recovery codes left, last sign-in and lockout', async () => {
    api.reply = () => ({ status: 200, body: userDetailBody() });
    const shown = (await run(['users', 'show', 'ada@example.com'], envFor(api))).stdout;
    assert.match(shown, /^Authenticator app +on, 7 recovery code\(s\) left$/m);
    assert.match(shown, /^Passkeys +none$/m);
    assert.match(shown, /^Last sign-in +2026-12-01T08:00:00.000Z$/m);
    assert.match(shown, /^Locked out +passwords until 2026-12-03T10:05:00.000Z \(users unlock clears it\)$/m);
    api.reply = () => ({ status: 200, body: userDetailBody({ mfa: { totp: false, recovery_codes_left: 0, passkeys: 2 }, last_sign_in_at: null, lockout: { password_until: null, code_until: null } }) });
    const plain = (await run(['users', 'show', 'ada@example.com'], envFor(api))).stdout;
    assert.match(plain, /^Authenticator app +off$/m);
    assert.match(plain, /^Passkeys +2$/m);
    assert.match(plain, /^Last sign-in +none recorded$/m);
    assert.match(plain, /^Locked out +no$/m);
  });

  void it('list refuses --limit past the server maximum with exit 2 and no request', async () => {
    const result = await run(['users', 'list', '--limit', '1001'], envFor(api));
    assert.equal(result.code, 2);
    assert.equal(result.stderr, 'portcullis: --limit must be 1-1000\n');
    assert.equal(api.requests.length, 0);
  });

  void it('sessions lists the sessions as a table', async () => {
    api.reply = () => ({ status: 200, body: { sessions: [{ handle: 'h1', user_agent: 'curl/8', ip: '192.0.2.1', last_ip: '192.0.2.2', signed_in_at: '2026-01-01T00:00:00.000Z', last_seen_at: null, expires_at: null, clients: ['app'] }] } });
    const result = await run(['users', 'sessions', 'ada@example.com'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.url, '/admin/users/ada%40example.com/sessions');
    assert.match(result.stdout, /^SESSION +SIGNED IN +LAST SEEN +ADDRESS +CLIENTS +USER AGENT$/m);
    assert.match(result.stdout, /^h1 +2026-01-01T00:00:00.000Z +- +192\.0\.2\.2 +app +curl\/8$/m);
  });

  void it('revoke-sessions POSTs and reports the counts', async () => {
    api.reply = () => ({ status: 200, body: { sessions_ended: 2, grants_revoked: 3 } });
    const result = await run(['users', 'revoke-sessions', 'ada@example.com'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/users/ada%40example.com/revoke-sessions');
    assert.match(result.stdout, /Ended 2 session\(s\) and revoked 3 grant\(s\)/);
  });

  void it('consents lists the connected apps as a table', async () => {
    api.reply = () => ({ status: 200, body: { consents: [{ client_id: 'cl_1', client_name: 'Photo Book', scopes: ['openid', 'email'], since: '2026-01-02T03:04:05.000Z', updated_at: '2026-01-02T03:04:05.000Z' }] } });
    const result = await run(['users', 'consents', 'ada@example.com'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.url, '/admin/users/ada%40example.com/consents');
    assert.match(result.stdout, /^CLIENT ID +NAME +SCOPES +SINCE$/m);
    assert.match(result.stdout, /^cl_1 +Photo Book +openid email +2026-01-02T03:04:05\.000Z$/m);
    api.reply = () => ({ status: 200, body: { consents: [] } });
    assert.equal((await run(['users', 'consents', 'ada@example.com'], envFor(api))).stdout, 'No connected apps.\n');
  });

  void it('revoke-consent DELETEs the consent and reports the revoked grants', async () => {
    api.reply = () => ({ status: 200, body: { consent_revoked: true, grants_revoked: 2 } });
    const result = await run(['users', 'revoke-consent', 'ada@example.com', 'cl/1'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'DELETE');
    assert.equal(api.requests[0]?.url, '/admin/users/ada%40example.com/consents/cl%2F1');
    assert.match(result.stdout, /consent withdrawn, 2 grant\(s\) revoked/);
  });

  void it('revoke-consent needs a client id', async () => {
    const result = await run(['users', 'revoke-consent', 'ada@example.com'], envFor(api));
    assert.equal(result.code, 2);
    assert.equal(api.requests.length, 0);
  });

  void it('unlock POSTs to /unlock and says so', async () => {
    api.reply = () => ({ status: 200, body: userBody() });
    const result = await run(['users', 'unlock', 'ada@example.com'], envFor(api));
    assert.equal(result.code, 0, result.stderr);
    assert.equal(api.requests[0]?.method, 'POST');
    assert.equal(api.requests[0]?.url, '/admin/users/ada%40example.com/unlock');
    assert.match(result.stdout, /^User ada@example\.com is unlocked/m);
  });

  for (const action of ['disable', 'enable'] as const) {
    void it(`${action} POSTs to /${action} and reports the new state`, async () => {
      api.reply = () => ({ status: 200, body: userBody({ disabled: action === 'disable' }) });
      const result = await run(['users', action, 'ada@example.com'], envFor(api));
      assert.equal(result.code, 0, result.stderr);
      assert.equal(api.requests[0]?.method, 'POST');
      assert.equal(api.requests[0]?.url, `/admin/users/ada%40example.com/${action}`);
      assert.match(result.stdout, new RegExp(`^User ada@example\\.com is now ${action}d\\.$`, 'm'));
    });
  }
});
