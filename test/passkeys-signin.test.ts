/**
 * Passkeys over plain HTTP against a real server, with a software authenticator
 * (packages/server/src/testing/soft-authenticator.ts) answering the server's own options:
 * added from the account page, a sign-in with a passkey alone finishes with acr mfa and amr
 * ["hwk","user"], and every bad assertion is a clear 4xx (never a 500): an old assertion
 * replayed into a new ceremony, another origin, no user verification, another account's passkey
 * at the second step, malformed input; failures count like wrong codes up to a 429. On the
 * account page a registration for another origin or an old challenge adds nothing, and another
 * account's passkey can be neither renamed nor removed.
 * The browser journey is test/passkeys-browser.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { alertText, csrfToken, type Page, type UserAgent } from './support/user-agent.js';
import { followOnServer, registerOnAccountPage, submitAndFollow, PASSWORD } from './support/mfa-journeys.js';
import { openLogin, interactionUid } from './support/pages.js';
import { createSoftCredential, type SoftCredential } from '../packages/server/src/testing/soft-authenticator.js';
import { UserAgent as Agent } from './support/user-agent.js';

/** The per-account limit on second-factor guesses, low so the limit is reached quickly. */
const MFA_PER_ACCOUNT = 6;

/** The ID token claims the demo shows after a sign-in. */
function claimsOf(page: Page): { acr?: string; amr?: string[] } {
  const block = /<pre tabindex="0"><code>([\s\S]*?)<\/code><\/pre>/.exec(page.body)?.[1];
  assert.ok(block, `no claims on ${page.url}: ${page.body.slice(0, 300)}`);
  return JSON.parse(block.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&')) as { acr?: string; amr?: string[] };
}

describe('passkeys over HTTP', () => {
  let server: TestServer;
  let here: { origin: string; rpId: string };
  before(async () => {
    server = await startTestServer({ RATE_LIMIT_MFA_ACCOUNT: `${MFA_PER_ACCOUNT}/1h` });
    here = { origin: new URL(server.issuer).origin, rpId: new URL(server.issuer).hostname };
  });
  after(() => server?.close());

  /** Asks `url` for a ceremony's options with the page's CSRF token; returns the options. */
  async function optionsFrom(agent: UserAgent, page: Page, url: string): Promise<{ challenge: string; user?: { id: string }; allowCredentials?: { id: string }[] }> {
    const answer = await agent.request(new URL(url, page.url).href, { form: { csrf: csrfToken(page.body) } });
    assert.equal(answer.status, 200, answer.body.slice(0, 300));
    assert.match(answer.headers.get('cache-control') ?? '', /no-store/);
    return (JSON.parse(answer.body) as { options: { challenge: string } }).options;
  }

  /** A new person with one passkey added from the account page. */
  async function personWithPasskey(): Promise<{ agent: UserAgent; email: string; key: SoftCredential }> {
    const user = await registerOnAccountPage(server);
    const page = await followOnServer(server, user.agent, `${server.issuer}/account/passkeys`);
    assert.match(page.body, /<h1>Passkeys<\/h1>/);
    const options = await optionsFrom(user.agent, page, '/account/passkeys/options');
    assert.ok(options.user);
    const key = createSoftCredential(Buffer.from(options.user.id, 'base64url').toString());
    const added = await user.agent.request(`${server.issuer}/account/passkeys`, { form: { csrf: csrfToken(page.body), name: 'Laptop', response: key.register({ challenge: options.challenge, ...here }) } });
    assert.equal(added.status, 303);
    // The challenge served once: the same registration again finds none.
    const again = await user.agent.request(`${server.issuer}/account/passkeys`, { form: { csrf: csrfToken(page.body), name: 'Laptop', response: key.register({ challenge: options.challenge, ...here }) } });
    assert.equal(again.status, 303);
    return { agent: user.agent, email: user.email, key };
  }

  /** A fresh sign-in page (through the demo) and the challenge drawn for a passkey on it. */
  async function passkeyCeremony(agent: UserAgent = new Agent()): Promise<{ agent: UserAgent; login: Page; challenge: string }> {
    const login = await openLogin(server, agent);
    const { challenge } = await optionsFrom(agent, login, `/interaction/${interactionUid(login)}/passkey/options`);
    return { agent, login, challenge };
  }

  const postAssertion = (agent: UserAgent, login: Page, response: string) =>
    agent.request(`${server.issuer}/interaction/${interactionUid(login)}/passkey`, { form: { csrf: csrfToken(login.body), response } });

  it('signs in with a passkey alone: acr mfa, amr ["hwk","user"]; the same assertion replayed later is refused', async () => {
    const { key } = await personWithPasskey();
    const { agent, login, challenge } = await passkeyCeremony();
    const assertion = key.assert({ challenge, ...here });
    const posted = await postAssertion(agent, login, assertion);
    assert.equal(posted.status, 303, posted.body.slice(0, 300));
    const demo = await agent.follow(posted.location!);
    const claims = claimsOf(demo);
    assert.equal(claims.acr, 'urn:portcullis:acr:mfa');
    assert.deepEqual(claims.amr, ['hwk', 'user']);

    const next = await passkeyCeremony();
    const replayed = await postAssertion(next.agent, next.login, assertion);
    assert.equal(replayed.status, 401);
    assert.match(alertText(replayed.body) ?? '', /could not be verified/);
    // The ceremony's challenge went with that attempt: even a good assertion for it now fails.
    const late = await postAssertion(next.agent, next.login, key.assert({ challenge: next.challenge, ...here }));
    assert.equal(late.status, 400, 'no challenge is left in the interaction');
  });

  it('refuses another origin, another RP ID, a missing user verification and malformed input with a 4xx', async () => {
    const { key } = await personWithPasskey();
    const cases: [string, (challenge: string) => string, number][] = [
      ['another origin', (challenge) => key.assert({ challenge, origin: 'https://evil.example', rpId: here.rpId }), 401],
      ['another RP ID', (challenge) => key.assert({ challenge, origin: here.origin, rpId: 'evil.example' }), 401],
      ['no user verification', (challenge) => key.assert({ challenge, ...here, userVerified: false }), 401],
      ['an unknown credential', (challenge) => createSoftCredential('nobody').assert({ challenge, ...here }), 401],
      ['not JSON', () => '{"id":', 401],
      ['an empty answer', () => '', 400],
      ['an oversized answer', () => 'x'.repeat(13_000), 400],
    ];
    for (const [name, response, status] of cases) {
      const { agent, login, challenge } = await passkeyCeremony();
      const posted = await postAssertion(agent, login, response(challenge));
      assert.equal(posted.status, status, `${name}: ${posted.status} ${posted.body.slice(0, 200)}`);
    }
  });

  it('offers the account’s passkey as the second step after a password, and refuses another account’s passkey there', async () => {
    const mine = await personWithPasskey();
    const theirs = await personWithPasskey();
    const agent = new Agent();
    const login = await openLogin(server, agent);
    const { page: step } = await submitAndFollow(server, agent, login, '/login', { email: mine.email, password: PASSWORD });
    assert.match(step.body, /<h1>Two-step verification<\/h1>/);
    assert.doesNotMatch(step.body, /name="code"/, 'no authenticator app: no code field');
    assert.match(step.body, /data-passkey="authenticate"/);
    const uid = interactionUid(step);
    const options = await optionsFrom(agent, step, `/interaction/${uid}/passkey-step/options`);
    assert.deepEqual(options.allowCredentials?.map((c) => c.id), [mine.key.id]);
    const stepAt = (response: string) => agent.request(`${server.issuer}/interaction/${uid}/passkey-step`, { form: { csrf: csrfToken(step.body), response } });
    const foreign = await stepAt(theirs.key.assert({ challenge: options.challenge, ...here }));
    assert.equal(foreign.status, 401, 'a passkey of another account');
    const again = await optionsFrom(agent, step, `/interaction/${uid}/passkey-step/options`);
    const ok = await stepAt(mine.key.assert({ challenge: again.challenge, ...here, userVerified: false }));
    assert.equal(ok.status, 303, 'presence is enough after a password');
    const demo = await agent.follow(ok.location!);
    assert.deepEqual([claimsOf(demo).acr, claimsOf(demo).amr], ['urn:portcullis:acr:mfa', ['pwd', 'hwk', 'user']]);
  });

  it('on the account page, adds nothing from a registration for another origin or challenge, and touches no other account’s passkey', async () => {
    const theirs = await personWithPasskey();
    const user = await registerOnAccountPage(server);
    const page = await followOnServer(server, user.agent, `${server.issuer}/account/passkeys`);
    const add = (fields: Record<string, string>) => user.agent.request(`${server.issuer}/account/passkeys`, { form: { csrf: csrfToken(page.body), name: 'Mine', ...fields } });
    const key = createSoftCredential('x');
    const first = await optionsFrom(user.agent, page, '/account/passkeys/options');
    const wrongOrigin = await add({ response: key.register({ challenge: first.challenge, origin: 'https://evil.example', rpId: here.rpId }) });
    assert.equal(wrongOrigin.status, 303);
    const second = await optionsFrom(user.agent, page, '/account/passkeys/options');
    assert.notEqual(second.challenge, first.challenge);
    const oldChallenge = await add({ response: key.register({ challenge: first.challenge, ...here }) });
    assert.equal(oldChallenge.status, 303);
    const noChallenge = await add({ response: key.register({ challenge: second.challenge, ...here }) });
    assert.equal(noChallenge.status, 303, 'the challenge went with the previous attempt');
    assert.equal((await add({})).status, 400, 'no response at all');
    const listed = await followOnServer(server, user.agent, `${server.issuer}/account/passkeys`);
    assert.match(listed.body, /not added a passkey yet/);

    // Another account's passkey, by its credential id: neither renamed nor removed.
    for (const action of ['rename', 'remove']) {
      const posted = await user.agent.request(`${server.issuer}/account/passkeys/${theirs.key.id}/${action}`, { form: { csrf: csrfToken(page.body), name: 'Taken' } });
      assert.equal(posted.status, 303);
      const shown = await followOnServer(server, user.agent, posted.location!);
      assert.match(alertText(shown.body) ?? '', /already removed/);
    }
    const { agent, login, challenge } = await passkeyCeremony();
    assert.equal((await postAssertion(agent, login, theirs.key.assert({ challenge, ...here }))).status, 303, 'their passkey still signs them in');
  });

  it('counts failed assertions like wrong codes: past the limit a 429 with Retry-After, and nothing is checked', async () => {
    const { key } = await personWithPasskey();
    const statuses: number[] = [];
    for (let i = 0; i < MFA_PER_ACCOUNT + 1; i++) {
      const { agent, login, challenge } = await passkeyCeremony();
      const posted = await postAssertion(agent, login, key.assert({ challenge, origin: 'https://evil.example', rpId: here.rpId }));
      statuses.push(posted.status);
      if (posted.status === 429) assert.ok(Number(posted.headers.get('retry-after')) > 0);
    }
    assert.deepEqual(statuses, [...Array<number>(MFA_PER_ACCOUNT).fill(401), 429]);
    const { agent, login, challenge } = await passkeyCeremony();
    const right = await postAssertion(agent, login, key.assert({ challenge, ...here }));
    assert.equal(right.status, 429, 'even a right assertion waits for the limit');
  });
});
