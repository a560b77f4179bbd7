/** The embedded server starts, serves discovery, and walks the demo flow end to end. */
import { confirmEmail } from './support/mail.js';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent } from './support/user-agent.js';

describe('embedded server', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('serves discovery with code-only response types and S256 PKCE', async () => {
    const response = await fetch(`${server.issuer}/.well-known/openid-configuration`);
    assert.equal(response.status, 200);
    const metadata = (await response.json()) as Record<string, unknown>;
    assert.equal(metadata.issuer, server.issuer);
    assert.deepEqual(metadata.response_types_supported, ['code']);
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
  });

  it('registers through the demo and shows the ID token claims', async () => {
    const agent = new UserAgent();
    const login = await agent.follow(`${server.issuer}/demo/login`);
    assert.match(login.body, /<h1>Sign in<\/h1>/);
    const registerPage = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    const registered = await agent.submit(registerPage, '/register', { email: 'Smoke@Example.com', name: 'Smoke Test', password: 'a long enough passphrase' });
    assert.equal(registered.status, 303);
    const done = await agent.follow((await confirmEmail(agent, registered, 'smoke@example.com')).location!);
    assert.equal(done.status, 200);
    assert.match(done.body, /ID token claims/);
    assert.match(done.body, /smoke@example\.com/);
  });
});
