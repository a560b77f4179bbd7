/**
 * Instances share everything a flow needs (sessions and interactions in Redis, keys and
 * cookies from shared secrets), so consecutive steps of one sign-in can land on different
 * instances. Each hop here goes straight to the instance, bypassing Nginx's choice, with the
 * forwarded headers Nginx would set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { UserAgent, type Page } from '../support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, register, relyingParty, uniqueEmail, REDIRECT_URI } from '../support/oidc-harness.js';
import { publicUrls } from './stack-control.js';

/** Sends hop n of the flow to instance n mod N, as Nginx would forward it. */
class AlternatingAgent extends UserAgent {
  readonly served: string[] = [];
  private hop = 0;

  constructor(private readonly issuer: string, private readonly instances: string[]) {
    super();
  }

  override async request(url: string, init: { method?: string; form?: Record<string, string>; headers?: Record<string, string> } = {}): Promise<Page> {
    const target = new URL(url);
    if (target.origin !== new URL(this.issuer).origin) return super.request(url, init);
    const instance = this.instances[this.hop++ % this.instances.length]!;
    this.served.push(instance);
    const cookie = await this.jar.getCookieString(url);
    const issuer = new URL(this.issuer);
    const headers: Record<string, string> = {
      'x-forwarded-host': issuer.host,
      'x-forwarded-proto': issuer.protocol.replace(':', ''),
      'x-forwarded-for': '127.0.0.1',
      ...(cookie && { cookie }),
      ...init.headers,
    };
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const direct = new URL(`${target.pathname}${target.search}`, instance);
    const response = await fetch(direct, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    for (const setCookie of response.headers.getSetCookie()) await this.jar.setCookie(setCookie, url);
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, url, location: location && new URL(location, url).href, body: await response.text(), headers: response.headers };
  }
}

describe('one sign-in across instances', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  it('completes a sign-in whose steps alternate between the two instances', async () => {
    const registered = await createClient(server, { first_party: true });
    const config = await relyingParty(server, registered);
    const request = await authorizationRequest(config, { redirect_uri: REDIRECT_URI });
    const agent = new AlternatingAgent(server.issuer, publicUrls());
    const loginPage = await agent.follow(request.url, (location) => !location.startsWith(server.issuer));
    const back = await register(agent, loginPage, uniqueEmail('cross'));
    const callback = callbackOf(back);

    assert.ok(new Set(agent.served).size >= 2, `every step ran on ${agent.served.join(', ')}`);
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: request.codeVerifier,
      expectedNonce: request.nonce,
      expectedState: request.state,
    });
    assert.ok(tokens.claims()?.sub);
  });
});
