/**
 * Connected apps and client deletion (SECURITY.md A17), on both stores of the OIDC artefacts
 * (PostgreSQL embedded, and a real Redis):
 * - /account/apps lists each app the person allowed, what it may access and since when;
 *   "Remove access" withdraws the consent and revokes the app's grants: its refresh token is
 *   `invalid_grant` and the next authorization request shows the consent page again.
 * - `portcullis users consents | revoke-consent` do the same for an admin.
 * - Deleting a client revokes its grants and deletes its consents; its tokens introspect as
 *   `active: false` (never a 500), also for a resource server.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startRedisServer, type RedisServer } from '@portcullis/server/testing/redis-server.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import type { Page, UserAgent } from './support/user-agent.js';
import { followOnServer } from './support/mfa-journeys.js';
import {
  MACHINE_CLIENT,
  authorizationRequest,
  createClient,
  endpointsOf,
  followToClient,
  introspect,
  isConsentPage,
  postForm,
  relyingParty,
  signUpAndRedeem,
  type Endpoints,
} from './support/oidc-harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const invalidGrant = (error: unknown) => (error as { error?: string }).error === 'invalid_grant';

for (const store of ['postgres', 'redis'] as const) {
  describe(`connected apps and client deletion (artefacts in ${store})`, () => {
    let redis: RedisServer | undefined;
    let server: TestServer;
    let endpoints: Endpoints;
    before(async () => {
      redis = store === 'redis' ? await startRedisServer() : undefined;
      server = await startTestServer({}, redis ? { redisUrl: redis.url } : {});
      endpoints = await endpointsOf(server);
    });
    after(async () => {
      await server.close();
      await redis?.close();
    });

    /** A third-party app that may ask for refresh tokens. */
    const thirdPartyApp = (name = 'Photo Book') => createClient(server, { client_name: name, scope: 'openid email profile offline_access' });
    /** /account/apps; a browser not yet signed in to the account page lands on /account first. */
    const appsPage = async (agent: UserAgent) => {
      const page = await followOnServer(server, agent, `${server.issuer}/account/apps`);
      return new URL(page.url).pathname === '/account/apps' ? page : followOnServer(server, agent, `${server.issuer}/account/apps`);
    };
    const rows = (page: Page) => [...page.body.matchAll(/<tr data-app="([^"]+)">([\s\S]*?)<\/tr>/g)].map((m) => ({ clientId: m[1]!, html: m[2]! }));
    const events = async (email: string, type: string) => {
      const response = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=1000`);
      return (response.body.events as { type: string; client_id: string | null; detail: Record<string, unknown> }[]).filter((e) => e.type === type);
    };
    const cli = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const env = { ...process.env, ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, DATA_DIR: server.dataDir, ADMIN_TOKEN: '' };
        execFile(process.execPath, ['--import', 'tsx', 'packages/cli/src/main.ts', ...args], { cwd: root, env }, (error, stdout, stderr) => {
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        });
      });

    it('lists an allowed app with what it may access and since when, and "Remove access" ends it: refresh refused, consent asked again', async () => {
      const app = await thirdPartyApp();
      const other = await thirdPartyApp('Other App');
      const config = await relyingParty(server, app);
      const session = await signUpAndRedeem(server, app);
      const kept = await client.refreshTokenGrant(await relyingParty(server, other), (await signUpAndRedeem(server, other)).tokens.refresh_token!);
      assert.ok(session.tokens.refresh_token);

      const page = await appsPage(session.agent);
      assert.equal(page.status, 200, page.url);
      const listed = rows(page);
      assert.deepEqual(listed.map((r) => r.clientId), [app.client_id]);
      assert.match(listed[0]!.html, /Photo Book/);
      assert.deepEqual([...listed[0]!.html.matchAll(/class="scope-name">([^<]+)</g)].map((m) => m[1]).sort(), ['email', 'offline_access', 'openid', 'profile']);
      assert.match(listed[0]!.html, new RegExp(`<time datetime="${new Date().toISOString().slice(0, 10)}`), 'since today');

      const posted = await session.agent.submit(page, `/account/apps/${app.client_id}/remove`, {});
      assert.equal(posted.status, 303);
      const after = await appsPage(session.agent);
      assert.match(after.body, /role="status"[^>]*>Photo Book no longer has access to your account\./);
      assert.deepEqual(rows(after), []);

      await assert.rejects(client.refreshTokenGrant(config, session.tokens.refresh_token), invalidGrant);
      assert.equal((await introspect(endpoints, session.tokens.access_token, app)).active, false, 'the access token died with the grant');
      const again = await followToClient(session.agent, (await authorizationRequest(config, { scope: 'openid email' })).url);
      assert.ok(isConsentPage(again), `the consent page must show again, got ${again.status} ${again.location ?? ''}`);
      assert.deepEqual((await events(session.email, 'consent.revoked')).map((e) => [e.client_id, e.detail.reason, e.detail.grants_revoked]), [[app.client_id, 'account_page', 1]]);
      assert.ok(await client.refreshTokenGrant(await relyingParty(server, other), kept.refresh_token!), "another app's access is untouched");
    });

    it('refuses a removal without the CSRF token, and one of an app the person never allowed', async () => {
      const app = await thirdPartyApp();
      const session = await signUpAndRedeem(server, app);
      await appsPage(session.agent);
      const forged = await session.agent.request(`${server.issuer}/account/apps/${app.client_id}/remove`, { form: { csrf: 'forged' } });
      assert.equal(forged.status, 403);
      const page = await appsPage(session.agent);
      const stranger = await createClient(server, { client_name: 'Stranger' });
      const token = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const unknown = await session.agent.request(`${server.issuer}/account/apps/${stranger.client_id}/remove`, { form: { csrf: token } });
      assert.equal(unknown.status, 303);
      assert.match((await appsPage(session.agent)).body, /role="alert"[^>]*>That app has no access to remove\./);
      assert.ok(await client.refreshTokenGrant(await relyingParty(server, app), session.tokens.refresh_token!), 'access kept');
    });

    it('deleting a client revokes its grants and consents; its tokens introspect as inactive, never a 500', async () => {
      const app = await thirdPartyApp();
      const machine = await createClient(server, MACHINE_CLIENT);
      const resourceServer = await createClient(server, { ...MACHINE_CLIENT, client_name: 'API', resource_server: true });
      const session = await signUpAndRedeem(server, app);
      const machineToken = (await postForm(endpoints.token, { grant_type: 'client_credentials' }, machine)).body.access_token as string;
      assert.equal((await introspect(endpoints, session.tokens.access_token, resourceServer)).active, true);
      assert.equal((await introspect(endpoints, machineToken, resourceServer)).active, true);
      const consents = await server.admin('GET', `/admin/users/${encodeURIComponent(session.email)}/consents`);
      assert.deepEqual(consents.body.consents.map((c: { client_id: string }) => c.client_id), [app.client_id]);

      for (const deleted of [app, machine]) assert.equal((await server.admin('DELETE', `/admin/clients/${deleted.client_id}`)).status, 204);

      for (const token of [session.tokens.access_token, session.tokens.refresh_token!, machineToken]) {
        const answer = await postForm(endpoints.introspection, { token }, resourceServer);
        assert.equal(answer.status, 200, answer.text);
        assert.deepEqual(answer.body, { active: false });
      }
      const provider = server.app.holder.current();
      assert.equal(await provider.AccessToken.find(session.tokens.access_token), undefined, 'the access token is gone from the store');
      assert.equal(await provider.RefreshToken.find(session.tokens.refresh_token!), undefined, 'the refresh token is gone from the store');
      assert.deepEqual((await server.admin('GET', `/admin/users/${encodeURIComponent(session.email)}/consents`)).body.consents, []);
      const deletedEvent = (await server.admin('GET', '/admin/audit?limit=1000')).body.events.find((e: { type: string; client_id: string }) => e.type === 'client.deleted' && e.client_id === app.client_id);
      assert.equal(deletedEvent?.detail.grants_revoked, 1);
    });

    if (store === 'postgres') {
      it('`portcullis users consents` lists the connected apps and `users revoke-consent` withdraws one', async () => {
        const app = await thirdPartyApp('CLI App');
        const config = await relyingParty(server, app);
        const session = await signUpAndRedeem(server, app);

        const listed = await cli('users', 'consents', session.email, '--json');
        assert.equal(listed.code, 0, listed.stderr);
        const consents = (JSON.parse(listed.stdout) as { consents: { client_id: string; client_name: string; scopes: string[]; since: string }[] }).consents;
        assert.deepEqual(consents.map((c) => [c.client_id, c.client_name, c.scopes.sort()]), [[app.client_id, 'CLI App', ['email', 'offline_access', 'openid', 'profile']]]);
        assert.ok(!Number.isNaN(Date.parse(consents[0]!.since)));
        assert.match((await cli('users', 'consents', session.email)).stdout, new RegExp(`^${app.client_id} +CLI App +`, 'm'));

        const revoked = await cli('users', 'revoke-consent', session.email, app.client_id);
        assert.equal(revoked.code, 0, revoked.stderr);
        assert.match(revoked.stdout, /consent withdrawn, 1 grant\(s\) revoked/);
        await assert.rejects(client.refreshTokenGrant(config, session.tokens.refresh_token!), invalidGrant);
        assert.ok(isConsentPage(await followToClient(session.agent, (await authorizationRequest(config, { scope: 'openid email' })).url)));
        assert.deepEqual((await events(session.email, 'consent.revoked')).map((e) => e.detail.reason), ['admin']);

        const twice = await cli('users', 'revoke-consent', session.email, app.client_id);
        assert.equal(twice.code, 1);
        assert.equal(twice.stderr, 'portcullis: This user has not given this client access.\n');
        assert.equal((await server.admin('DELETE', `/admin/users/${encodeURIComponent(session.email)}/consents/%00`)).status, 404);
      });
    }
  });
}
