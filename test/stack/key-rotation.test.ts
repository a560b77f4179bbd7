/**
 * ENCRYPTION_KEY rotation on the running stack (docs/operations.md "Rotating ENCRYPTION_KEY"):
 * instances restarted with the ring NEW,OLD; `POST /admin/keys/reseal`; instances restarted
 * with NEW alone; then sign-in with TOTP, client secret authentication and token signing (an ID
 * token verified against the JWKS) all still work. Finally the same rotation back to the
 * stack's own key, so the suites after this one find the stack as it was. Rolling restarts of
 * both instances three times: about 40 s.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { callAdmin, stackEnv, type TestServer } from '../support/test-server.js';
import { UserAgent } from '../support/user-agent.js';
import { enrolledUser, signInToAccount, type AccountUser, type Enrolled } from '../support/mfa-journeys.js';
import { authorizationRequest, callbackOf, createClient, followToClient, MACHINE_CLIENT, postForm, register, relyingParty, uniqueEmail, type RegisteredClient } from '../support/oidc-harness.js';
import { adminUrls, waitFor } from './stack-control.js';
import { registerMailDir } from '../support/mail.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The stack seen from outside only: no in-process app, whose ENCRYPTION_KEY is the old one. */
function outsideView(): TestServer {
  const adminUrl = adminUrls()[0]!;
  const adminToken = stackEnv('STACK_ADMIN_TOKEN');
  // The instances mail the stack's SMTP sink: registrations confirm their address from there.
  registerMailDir(stackEnv('STACK_ISSUER'), stackEnv('STACK_SMTP_DIR'));
  return {
    issuer: stackEnv('STACK_ISSUER'),
    adminUrl,
    adminToken,
    admin: (method: string, pathname: string, body?: unknown) => callAdmin(adminUrl, adminToken, method, pathname, body),
  } as unknown as TestServer;
}

/** Restarts every instance, one at a time, with `keys` as ENCRYPTION_KEYS (undefined: the stack's own key). */
async function restartInstances(keys: string | undefined): Promise<void> {
  const env = { ...process.env, STACK_APP_ENCRYPTION_KEYS: keys ?? '' };
  const run = (verb: string, n: number) =>
    new Promise<void>((resolve, reject) => {
      execFile('bash', ['infra/local/stack.sh', verb, String(n)], { cwd: root, env, timeout: 60_000 }, (error, _stdout, stderr) => (error ? reject(new Error(`${verb} ${n}: ${stderr}`)) : resolve()));
    });
  for (let n = 1; n <= adminUrls().length; n++) {
    await run('stop-app', n);
    await run('start-app', n);
  }
  // Nginx puts an instance it saw fail back in rotation after fail_timeout (5 s).
  await new Promise((resolve) => setTimeout(resolve, 5500));
}

describe('ENCRYPTION_KEY rotation on the running stack', () => {
  const server = outsideView();
  const oldKey = stackEnv('STACK_ENCRYPTION_KEY');
  const newKey = randomBytes(32).toString('base64');
  let machine: RegisteredClient;
  let web: RegisteredClient;
  let person: AccountUser & Enrolled;

  before(async () => {
    machine = await createClient(server, MACHINE_CLIENT);
    web = await createClient(server, { first_party: true });
    person = await enrolledUser(server);
  });
  after(async () => {
    // Back to the stack's own key, whatever happened above.
    await restartInstances(`${oldKey},${newKey}`);
    const back = await server.admin('POST', '/admin/keys/reseal');
    await restartInstances(undefined);
    assert.equal(back.status, 200, JSON.stringify(back.body));
  });

  const clientCredentials = () => postForm(`${server.issuer}/token`, { grant_type: 'client_credentials' }, machine);

  it('reseals everything with the new key, after which the old one can go', async () => {
    await restartInstances(`${newKey},${oldKey}`);
    const first = await server.admin('POST', '/admin/keys/reseal');
    assert.equal(first.status, 200, JSON.stringify(first.body));
    for (const kind of ['client_secret', 'signing_key', 'totp_seed']) {
      assert.ok(first.body[kind].resealed >= 1, `${kind}: ${JSON.stringify(first.body[kind])}`);
      assert.equal(first.body[kind].unreadable, 0, kind);
    }
    const second = await server.admin('POST', '/admin/keys/reseal');
    for (const kind of ['client_secret', 'signing_key', 'totp_seed']) assert.equal(second.body[kind].resealed, 0, `a second reseal has nothing left (${kind})`);
    const audit = await server.admin('GET', '/admin/audit?type=key.resealed&limit=5');
    assert.ok(audit.body.events.some((e: { type: string }) => e.type === 'key.resealed'), 'audited');

    await restartInstances(newKey);
    await waitFor('instances ready on the new key alone', async () => (await Promise.all(adminUrls().map(async (u) => (await fetch(`${u}/readyz`)).status))).every((s) => s === 200));

    // Client secret authentication: the secret was sealed with the old key and resealed.
    const token = await clientCredentials();
    assert.equal(token.status, 200, token.text);
    // Sign-in with TOTP: the seed was sealed with the old key and resealed.
    const home = await signInToAccount(server, person.email, { code: async () => (await person.clock.next()).code });
    assert.match(home.body, /<h1>Your account<\/h1>/, `signed in with a code: ${home.url}`);
    // Token signing: an ID token signed by a key sealed with the old key, verified against the JWKS.
    const config = await relyingParty(server, web);
    const agent = new UserAgent();
    const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]! });
    const callback = callbackOf(await register(agent, await followToClient(agent, request.url), uniqueEmail('rotation')));
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.ok(tokens.claims()?.sub, 'a verified ID token');
  });
});
