/**
 * Email verification and registration without enumeration over HTTP, with the server sending
 * through a real SMTP server (the sink, packages/server/src/testing/smtp-sink.ts): the code and
 * the link, the same answer for a taken address (SECURITY.md A2, docs/security.md A6), the
 * negative cases, the limits, and clients that require a verified address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import { startSmtpSink, type SinkMessage, type SmtpSink } from '@portcullis/server/testing/smtp-sink.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText, type Page } from './support/user-agent.js';
import { authorizationRequest, callbackOf, createClient, relyingParty, uniqueEmail, type AuthorizationRequest, type RegisteredClient } from './support/oidc-harness.js';
import { followOnServer } from './support/mfa-journeys.js';

const PASSWORD = 'a passphrase for the mail tests';

describe('email verification', () => {
  let sink: SmtpSink;
  let server: TestServer;
  let app: RegisteredClient;
  let strict: RegisteredClient;
  before(async () => {
    sink = await startSmtpSink();
    server = await startTestServer({ SMTP_URL: sink.url, MAIL_FROM: 'Acme ID <id@acme.test>' });
    app = await createClient(server, { first_party: true });
    strict = await createClient(server, { first_party: true, client_name: 'Strict App', require_verified_email: true });
  });
  after(async () => {
    await server.close();
    await sink.stop();
  });

  const messagesTo = (email: string, template: string) => sink.messages.filter((m) => m.to.includes(email) && m.headers['x-portcullis-template'] === template);
  const newest = async (email: string, template = 'email_verification', count = 1): Promise<SinkMessage> => {
    await sink.waitFor(() => messagesTo(email, template).length >= count);
    return messagesTo(email, template).at(-1)!;
  };
  const codeOf = (message: SinkMessage) => /^\s*(\d{6})\s*$/m.exec(message.text)![1]!;
  const linkOf = (message: SinkMessage) => /https?:\/\/\S+\/verify-email\?token=[\w-]+/.exec(message.text)![0];
  const verified = async (email: string) => (await server.app.db.primary.selectFrom('accounts').select('email_verified').where('email', '=', email).executeTakeFirst())?.email_verified;

  /** Opens `registered`'s login page in `agent`, registers `email`, and returns the "check your email" page. */
  async function register(agent: UserAgent, email: string, registered = app): Promise<{ step: Page; request: AuthorizationRequest; config: client.Configuration }> {
    const config = await relyingParty(server, registered);
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const login = await followOnServer(server, agent, request.url);
    const form = await agent.request(new URL(/href="([^"]*\/register)"/.exec(login.body)![1]!, login.url).href);
    const posted = await agent.submit(form, '/register', { email, password: PASSWORD });
    assert.equal(posted.status, 303, posted.body.slice(0, 300));
    return { step: await agent.request(posted.location!), request, config };
  }

  const submitCode = (agent: UserAgent, step: Page, code: string) => agent.submit(step, '/verify-email/code', { code });

  async function redeem(agent: UserAgent, answer: Page, config: client.Configuration, request: AuthorizationRequest) {
    assert.equal(answer.status, 303, answer.body.slice(0, 300));
    const page = await followOnServer(server, agent, answer.location!);
    return client.authorizationCodeGrant(config, callbackOf(page), { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
  }

  /** A page with what differs per request (tokens, nonces, ids, the address) taken out. */
  const shape = (page: Page, email: string) => page.body.replaceAll(email, 'EMAIL').replace(/value="[^"]{20,}"/g, 'value="X"').replace(/nonce="[^"]+"/g, 'nonce="X"').replace(/\/interaction\/[^/"]+/g, '/interaction/X');

  it('registers a new address, mails a code and a link over SMTP, and the code signs in with email_verified true', async () => {
    const agent = new UserAgent();
    const email = uniqueEmail('new');
    const { step, request, config } = await register(agent, email);
    assert.equal(step.status, 200);
    assert.match(step.body, /<h1>Check your email<\/h1>/);
    assert.ok(step.body.includes(email), 'the page names the address');
    assert.equal(await verified(email), false, 'the account exists, unverified');
    const message = await newest(email);
    assert.match(message.from, /id@acme\.test/);
    assert.match(message.subject, /Confirm your email address for Portcullis/);
    assert.match(message.text, /expire in 30 minutes/);
    assert.ok(message.html.includes(linkOf(message).replaceAll('&', '&amp;')) || message.html.includes(linkOf(message)), 'the HTML part has the link');
    const tokens = await redeem(agent, await submitCode(agent, step, codeOf(message)), config, request);
    assert.equal(tokens.claims()!.email_verified, true);
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(userinfo.email_verified, true);
    assert.equal(await verified(email), true);
  });

  it('answers a taken address exactly like a new one, tells its owner instead, and fails any code the same way', async () => {
    const email = uniqueEmail('taken');
    const first = new UserAgent();
    const { step: ownStep } = await register(first, email);
    const ownCode = codeOf(await newest(email));
    const other = new UserAgent();
    const { step: decoy } = await register(other, email);
    assert.equal(decoy.status, ownStep.status);
    assert.equal(shape(decoy, email), shape(ownStep, email), 'the same page for a taken address');
    const notice = await newest(email, 'registration_attempt');
    assert.match(notice.subject, /tried to register/);
    assert.ok(notice.text.includes(`${server.issuer}/account`), 'it links to the sign-in');
    assert.equal(messagesTo(email, 'email_verification').length, 1, 'no second code for a taken address');
    // Even the owner's real code fails in the other person's step, exactly as a wrong code fails in the owner's.
    const refused = await submitCode(other, decoy, ownCode);
    const wrong = await submitCode(first, ownStep, ownCode === '000000' ? '111111' : '000000');
    assert.equal(refused.status, 400);
    assert.equal(wrong.status, 400);
    assert.equal(alertText(refused.body), alertText(wrong.body));
    assert.equal(shape(refused, email), shape(wrong, email));
    const accounts = await server.app.db.primary.selectFrom('accounts').select('id').where('email', '=', email).execute();
    assert.equal(accounts.length, 1);
    // "Send again" answers the same too, and sends the taken address nothing.
    const resent = await other.submit(decoy, '/verify-email/resend', {});
    assert.equal(resent.status, 200);
    assert.match(resent.body, /We sent a new message/);
    assert.equal(messagesTo(email, 'email_verification').length, 1);
    assert.equal(messagesTo(email, 'registration_attempt').length, 1);
  });

  it('refuses a wrong code, another account\'s code, an expired code and a replaced one', async () => {
    const agent = new UserAgent();
    const email = uniqueEmail('negative');
    const { step, request, config } = await register(agent, email);
    const code = codeOf(await newest(email));
    const wrong = await submitCode(agent, step, code === '123456' ? '654321' : '123456');
    assert.equal(wrong.status, 400);
    assert.match(alertText(wrong.body) ?? '', /That code is not valid/);

    const someoneElse = uniqueEmail('else');
    await register(new UserAgent(), someoneElse);
    const othersCode = codeOf(await newest(someoneElse));
    assert.equal((await submitCode(agent, step, othersCode)).status, 400, 'another account\'s code');

    await server.app.db.primary.updateTable('email_verifications').set({ expires_at: new Date(Date.now() - 1000) }).where('email', '=', email).execute();
    assert.equal((await submitCode(agent, step, code)).status, 400, 'an expired code');

    const resent = await agent.submit(step, '/verify-email/resend', {});
    assert.equal(resent.status, 200);
    const fresh = codeOf(await newest(email, 'email_verification', 2));
    if (fresh !== code) assert.equal((await submitCode(agent, step, code)).status, 400, 'the first message\'s code was replaced');
    const tokens = await redeem(agent, await submitCode(agent, resent, fresh), config, request);
    assert.equal(tokens.claims()!.email_verified, true);
  });

  it('ends the attempt after five wrong codes', async () => {
    const agent = new UserAgent();
    const email = uniqueEmail('five');
    const { step } = await register(agent, email);
    const code = codeOf(await newest(email));
    const guess = code === '999999' ? '888888' : '999999';
    for (let i = 1; i < 5; i += 1) assert.equal((await submitCode(agent, step, guess)).status, 400);
    const ended = await submitCode(agent, step, guess);
    assert.equal(ended.status, 303);
    const back = await followOnServer(server, agent, ended.location!);
    assert.equal(callbackOf(back).searchParams.get('error'), 'access_denied');
    assert.equal(await verified(email), false);
  });

  it('voids a code after five guesses whatever the sign-in attempt: the right code is then refused, the link still confirms', async () => {
    const agent = new UserAgent();
    const email = uniqueEmail('void');
    const { step, request, config } = await register(agent, email);
    const message = await newest(email);
    const code = codeOf(message);
    const guess = code === '999999' ? '888888' : '999999';
    for (let i = 0; i < 3; i += 1) assert.equal((await submitCode(agent, step, guess)).status, 400);
    const row = () => server.app.db.primary.selectFrom('email_verifications').select('code_guesses').where('email', '=', email).executeTakeFirstOrThrow();
    assert.equal((await row()).code_guesses, 3, 'counted on the code, not only in this attempt');
    // Two more wrong guesses from other sign-in attempts (each of which ends after five of its own).
    await server.app.db.primary.updateTable('email_verifications').set({ code_guesses: 5 }).where('email', '=', email).execute();
    const refused = await submitCode(agent, step, code);
    assert.equal(refused.status, 400, 'the sixth guess, with the right code, is refused');
    assert.equal(await verified(email), false);
    const page = await agent.request(linkOf(message));
    const tokens = await redeem(agent, await agent.submit(page, '/verify-email', { token: new URL(linkOf(message)).searchParams.get('token')! }), config, request);
    assert.equal(tokens.claims()!.email_verified, true, 'the link still works');
  });

  it('limits the messages one sign-in\'s step sends: the sixth "send again" is refused with 429 and not sent', async () => {
    const agent = new UserAgent();
    const email = uniqueEmail('flood');
    let { step } = await register(agent, email);
    for (let i = 1; i <= 5; i += 1) {
      step = await agent.submit(step, '/verify-email/resend', {});
      assert.equal(step.status, 200, `send again ${i}`);
    }
    const refused = await agent.submit(step, '/verify-email/resend', {});
    assert.equal(refused.status, 429);
    assert.ok(Number(refused.headers.get('retry-after')) > 0);
    // Each new message drops the earlier ones still waiting, so at most six were delivered; the last one is.
    const outbox = () => server.app.db.primary.selectFrom('mail_outbox').select('status').where('recipient', '=', email).execute();
    for (let i = 0; i < 150 && !(await outbox()).every((row) => row.status === 'sent'); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok((await outbox()).every((row) => row.status === 'sent'), 'every message left is delivered');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const delivered = messagesTo(email, 'email_verification').length;
    assert.ok(delivered >= 1 && delivered <= 6, String(delivered));
    const live = await server.app.db.primary.selectFrom('email_verifications').select('id').where('email', '=', email).where('used_at', 'is', null).execute();
    assert.equal(live.length, 1, 'one live verification: the last message\'s');
  });

  it('never lets registrations of someone\'s address stop its owner\'s verification mail: past the cap the same page, no notice (A14)', async () => {
    const email = uniqueEmail('victim');
    const owner = new UserAgent();
    const { step } = await register(owner, email);
    await newest(email);
    for (let i = 0; i < 6; i += 1) {
      const { step: decoy } = await register(new UserAgent(), email);
      assert.equal(decoy.status, 200, `registration ${i + 1} by someone else answers the step`);
      assert.equal(shape(decoy, email), shape(step, email));
    }
    // The owner's registration and four notices fill the per-recipient cap (5/h); the rest send nothing.
    await newest(email, 'registration_attempt', 4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(messagesTo(email, 'registration_attempt').length, 4);
    const resent = await owner.submit(step, '/verify-email/resend', {});
    assert.equal(resent.status, 200, 'the owner\'s own "send again" is not refused');
    assert.match(resent.body, /We sent a new message/);
    await newest(email, 'email_verification', 2);
  });

  it('continues the sign-in when the link is opened in the same browser, and only confirms in another', async () => {
    const elsewhere = uniqueEmail('elsewhere');
    const first = new UserAgent();
    const { step } = await register(first, elsewhere);
    const link = linkOf(await newest(elsewhere));
    const other = new UserAgent();
    const confirmPage = await other.request(link);
    assert.equal(confirmPage.status, 200);
    assert.match(confirmPage.body, /Only confirm it if you created an account at Portcullis yourself\./, 'the page warns whoever did not register');
    assert.equal(await verified(elsewhere), false, 'opening the link (a mail scanner) confirms nothing');
    const confirmed = await other.submit(confirmPage, '/verify-email', { token: new URL(link).searchParams.get('token')! });
    assert.equal(confirmed.status, 200);
    assert.match(confirmed.body, /Your email address is confirmed/);
    assert.equal(await verified(elsewhere), true);
    const again = await other.submit(confirmPage, '/verify-email', { token: new URL(link).searchParams.get('token')! });
    assert.equal(again.status, 400, 'a used link');
    assert.match(again.body, /expired or has been used/);
    assert.equal((await submitCode(first, step, codeOf(await newest(elsewhere)))).status, 400, 'its code is used up with it');

    const here = uniqueEmail('here');
    const agent = new UserAgent();
    const { request, config } = await register(agent, here);
    const ownLink = linkOf(await newest(here));
    const page = await agent.request(ownLink);
    const tokens = await redeem(agent, await agent.submit(page, '/verify-email', { token: new URL(ownLink).searchParams.get('token')! }), config, request);
    assert.equal(tokens.claims()!.email_verified, true);
  });

  it('holds every password sign-in of an unverified account at the step, whatever the client, and a session signed in before at a client that requires a verified address', async () => {
    assert.equal((await server.admin('GET', `/admin/clients/${strict.client_id}`)).body.require_verified_email, true);
    const email = uniqueEmail('strict');
    await register(new UserAgent(), email);
    await newest(email);
    // An app that does not require a verified address: the password alone still does not sign in (SECURITY.md A2, A6).
    const agent = new UserAgent();
    const lenient = await relyingParty(server, app);
    const lenientRequest = await authorizationRequest(lenient, { scope: 'openid email' });
    const login = await followOnServer(server, agent, lenientRequest.url);
    const atStep = await agent.submit(login, '/login', { email, password: PASSWORD });
    const lenientStep = await agent.request(atStep.location!);
    assert.match(lenientStep.body, /<h1>Check your email<\/h1>/);
    assert.match(lenientStep.body, /We sent a message to/);
    const signedIn = await redeem(agent, await submitCode(agent, lenientStep, codeOf(await newest(email, 'email_verification', 2))), lenient, lenientRequest);
    assert.equal(signedIn.claims()!.email_verified, true);

    // A session that signed in while its address was unconfirmed (an older release's, or a passkey's):
    // at the strict app it is held at the step, which sends nothing until asked.
    await server.app.db.primary.updateTable('accounts').set({ email_verified: false }).where('email', '=', email).execute();
    const config = await relyingParty(server, strict);
    const request = await authorizationRequest(config, { scope: 'openid email' });
    const held = await followOnServer(server, agent, request.url);
    assert.match(held.body, /<h1>Check your email<\/h1>/);
    assert.match(held.body, /needs a confirmed email address/);
    assert.equal(messagesTo(email, 'email_verification').length, 2);
    const sent = await agent.submit(held, '/verify-email/resend', {});
    const tokens = await redeem(agent, await submitCode(agent, sent, codeOf(await newest(email, 'email_verification', 3))), config, request);
    assert.equal(tokens.claims()!.email_verified, true);
    assert.equal(tokens.claims()!.sub, signedIn.claims()!.sub);

    // A password sign-in of another unverified account: the message is sent at once.
    const later = uniqueEmail('strict-later');
    await register(new UserAgent(), later);
    const fresh = new UserAgent();
    const laterRequest = await authorizationRequest(config, { scope: 'openid email' });
    const laterLogin = await followOnServer(server, fresh, laterRequest.url);
    const posted = await fresh.submit(laterLogin, '/login', { email: later, password: PASSWORD });
    const step = await fresh.request(posted.location!);
    assert.match(step.body, /We sent a message to/);
    const laterTokens = await redeem(fresh, await submitCode(fresh, step, codeOf(await newest(later, 'email_verification', 2))), config, laterRequest);
    assert.equal(laterTokens.claims()!.email_verified, true);

    // A verified account passes straight through.
    const passes = new UserAgent();
    const passRequest = await authorizationRequest(config, { scope: 'openid email' });
    const passLogin = await followOnServer(server, passes, passRequest.url);
    const through = await passes.submit(passLogin, '/login', { email: later, password: PASSWORD });
    assert.ok((await redeem(passes, through, config, passRequest)).claims()!.email_verified);
  });
});
