/**
 * Nginx is the only door and the app trusts only it (SECURITY.md R14): a client cannot choose
 * the address the app records, whatever X-Forwarded-For it sends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { UserAgent, csrfToken, formAction } from '../support/user-agent.js';
import { authorizationRequest, createClient, followToClient, relyingParty, uniqueEmail } from '../support/oidc-harness.js';

describe('behind Nginx', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('records the peer address, not a spoofed X-Forwarded-For', async () => {
    const registered = await createClient(server, { first_party: true });
    const request = await authorizationRequest(await relyingParty(server, registered), { redirect_uri: registered.redirect_uris[0]! });
    const agent = new UserAgent();
    const loginPage = await followToClient(agent, request.url);
    const email = uniqueEmail('spoof');
    const spoofed = await agent.request(new URL(formAction(loginPage.body, '/login'), loginPage.url).href, {
      form: { csrf: csrfToken(loginPage.body), email, password: 'not the password at all' },
      headers: { 'x-forwarded-for': '203.0.113.66', 'x-real-ip': '203.0.113.66' },
    });
    assert.equal(spoofed.status, 401);

    const audit = await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}`);
    assert.equal(audit.status, 200, JSON.stringify(audit.body));
    const failures = (audit.body.events as { type: string; ip: string | null }[]).filter((e) => e.type === 'signin');
    assert.equal(failures.length, 1, JSON.stringify(audit.body.events));
    assert.equal(failures[0]!.ip, '127.0.0.1', 'the address Nginx saw, not the one the client claimed');
  });

  it('has no demo in production mode: /demo is a 404 through the front door', async () => {
    for (const path of ['/demo', '/demo/callback']) {
      const response = await fetch(`${server.issuer}${path}`, { redirect: 'manual' });
      await response.arrayBuffer();
      assert.equal(response.status, 404, `${path} answered ${response.status}`);
    }
  });
});
