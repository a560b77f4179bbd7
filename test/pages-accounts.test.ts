/**
 * Registration and sign-in over HTTP, as a browser without JavaScript would use them
 * (SECURITY.md A2 no enumeration, A3 password rules, A4 argon2id parameters, R11 303 after POST).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText } from './support/user-agent.js';
import { registerAccount, submitLogin, submitRegistration, uniqueEmail } from './support/pages.js';

/**
 * Entries of @zxcvbn-ts/language-common's `passwords-common` list (checked by hand when this
 * test was written), each at least 8 characters so only the list can refuse them.
 */
const COMMON_PASSWORDS = ['password1', 'Password123', 'iloveyou', 'sunshine', 'trustno1', 'qwertyuiop', '1234567890'];

/** 128 code points of emoji, CJK, precomposed accents and spaces (much longer in UTF-8 and UTF-16). */
const UNICODE_PASSWORD = [...'Zoë 東京の夜 🙂🔐 çà et là — Ωμέγα 👩🏽‍💻 '.repeat(8)].slice(0, 128).join('');

describe('registration and sign-in pages', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  const accountExists = async (email: string) => (await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`)).status === 200;

  describe('password rules', () => {
    it('refuses a 7-character password and says how long it must be', async () => {
      const email = uniqueEmail('short');
      const response = await submitRegistration(server, { email, password: 'q9#Lm2!' });
      assert.equal(response.status, 400);
      assert.match(alertText(response.body) ?? '', /at least 8 characters/);
      assert.equal(await accountExists(email), false);
    });

    it('accepts an 8-character password that is not on the common list', async () => {
      const response = await submitRegistration(server, { email: uniqueEmail('eight'), password: 'q9#Lm2!v' });
      assert.equal(response.status, 303);
    });

    it('refuses passwords from the common-password list, whatever their case', async () => {
      for (const password of COMMON_PASSWORDS) {
        const email = uniqueEmail('common');
        const response = await submitRegistration(server, { email, password });
        assert.equal(response.status, 400, password);
        assert.match(alertText(response.body) ?? '', /too common/, password);
        assert.equal(await accountExists(email), false, password);
      }
    });

    it('refuses a password longer than 256 characters with a message', async () => {
      const response = await submitRegistration(server, { email: uniqueEmail('long'), password: 'x'.repeat(257) });
      assert.equal(response.status, 400);
      assert.match(alertText(response.body) ?? '', /too long/);
    });

    it('round-trips a 128-character Unicode password without truncating it', async () => {
      assert.equal([...UNICODE_PASSWORD].length, 128);
      const email = uniqueEmail('unicode');
      await registerAccount(server, { email, password: UNICODE_PASSWORD });

      const signedIn = await submitLogin(server, email, UNICODE_PASSWORD);
      assert.equal(signedIn.status, 303, alertText(signedIn.body));

      const lastChanged = [...UNICODE_PASSWORD].slice(0, -1).join('') + '!';
      assert.notEqual(lastChanged, UNICODE_PASSWORD);
      const refused = await submitLogin(server, email, lastChanged);
      assert.equal(refused.status, 401);
      assert.equal(alertText(refused.body), 'The email or password is incorrect.');
    });

    it('stores the password as argon2id with m=19456, t=2, p=1', async () => {
      const email = uniqueEmail('hash');
      const password = 'a passphrase to hash';
      await registerAccount(server, { email, password });
      const row = await server.app.db.primary.selectFrom('accounts').select('password_hash').where('email', '=', email).executeTakeFirstOrThrow();
      assert.ok(row.password_hash !== null, 'a registered account has a password');
      // PHC string format: $argon2id$v=19$<params in any order>$<salt>$<hash>
      const [, algorithm, version, params, salt, hash] = row.password_hash.split('$');
      assert.equal(algorithm, 'argon2id');
      assert.equal(version, 'v=19');
      assert.deepEqual(Object.fromEntries(params!.split(',').map((p) => p.split('='))), { m: '19456', t: '2', p: '1' });
      assert.ok(salt && salt.length >= 22 && hash && hash.length >= 43, 'a 16-byte salt and a 32-byte hash');
      assert.ok(!row.password_hash.includes(password));
    });
  });

  describe('emails', () => {
    it('normalises the email, so a differently cased and padded duplicate gets the answer a new address gets and creates nothing', async () => {
      const email = uniqueEmail('dup');
      await registerAccount(server, { email, password: 'first account passphrase' });
      const response = await submitRegistration(server, { email: `  ${email.toUpperCase()}\t`, password: 'second account passphrase' });
      assert.equal(response.status, 303, 'the "check your email" step, as for a new address (SECURITY.md A2)');
      assert.equal(alertText(response.body), undefined);
      const users = (await server.admin('GET', '/admin/users?limit=1000')).body.users as { email: string }[];
      assert.equal(users.filter((u) => u.email === email).length, 1);
    });

    it('signs in with the email typed in another case and with spaces around it', async () => {
      const email = uniqueEmail('case');
      await registerAccount(server, { email, password: 'case insensitive passphrase' });
      const response = await submitLogin(server, ` ${email.toUpperCase()} `, 'case insensitive passphrase');
      assert.equal(response.status, 303);
    });

    it('refuses an invalid email and creates nothing', async () => {
      const before = (await server.admin('GET', '/admin/users?limit=1000')).body.users.length;
      for (const email of ['not-an-email', 'a@', '@example.com', 'a b@example.com', '']) {
        const response = await submitRegistration(server, { email, password: 'valid enough passphrase' });
        assert.equal(response.status, 400, email);
        assert.match(alertText(response.body) ?? '', /valid email/, email);
      }
      assert.equal((await server.admin('GET', '/admin/users?limit=1000')).body.users.length, before);
    });
  });

  describe('sign-in', () => {
    it('answers a successful sign-in POST with 303 See Other', async () => {
      const email = uniqueEmail('303');
      await registerAccount(server, { email, password: 'see other passphrase' });
      const response = await submitLogin(server, email, 'see other passphrase');
      assert.equal(response.status, 303);
      assert.match(response.location ?? '', /\/auth\//);
    });

    it('gives an unknown email and a wrong password the same status and message', async () => {
      const email = uniqueEmail('known');
      await registerAccount(server, { email, password: 'the right passphrase' });
      const wrongPassword = await submitLogin(server, email, 'the wrong passphrase');
      const unknownEmail = await submitLogin(server, uniqueEmail('unknown'), 'the right passphrase');
      assert.equal(wrongPassword.status, 401);
      assert.equal(unknownEmail.status, wrongPassword.status);
      assert.equal(alertText(wrongPassword.body), 'The email or password is incorrect.');
      assert.equal(alertText(unknownEmail.body), alertText(wrongPassword.body));
    });

    it('re-renders the login form with the email but never the password', async () => {
      const email = uniqueEmail('echo');
      const response = await submitLogin(server, email, 'secret-never-echoed');
      assert.match(response.body, new RegExp(`value="${email.replace(/[.]/g, '\\.')}"`));
      assert.ok(!response.body.includes('secret-never-echoed'));
    });

    it('treats a disabled account like a wrong password, and enabling it restores sign-in', async () => {
      const email = uniqueEmail('disabled');
      const password = 'disabled account passphrase';
      await registerAccount(server, { email, password });
      const wrongPassword = await submitLogin(server, email, 'not the passphrase');

      assert.equal((await server.admin('POST', `/admin/users/${email}/disable`)).status, 200);
      const disabled = await submitLogin(server, email, password);
      assert.equal(disabled.status, wrongPassword.status);
      assert.equal(alertText(disabled.body), alertText(wrongPassword.body));

      assert.equal((await server.admin('POST', `/admin/users/${email}/enable`)).status, 200);
      const enabled = await submitLogin(server, email, password);
      assert.equal(enabled.status, 303);
    });

    it('lets a registered person finish the demo sign-in in a new browser', async () => {
      const email = uniqueEmail('demo');
      await registerAccount(server, { email, password: 'demo round trip passphrase' });
      const agent = new UserAgent();
      const posted = await submitLogin(server, email, 'demo round trip passphrase', agent);
      const done = await agent.follow(posted.location!);
      assert.equal(done.status, 200);
      assert.match(done.body, /ID token claims/);
      assert.ok(done.body.includes(email));
    });
  });
});
