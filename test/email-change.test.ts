/**
 * Changing the email from the account page, and the invitation link (recovery/): the address
 * changes only through the link mailed to the new address, the old one is told, a taken address
 * gets the same answer and no link, the new address is verified; an invitation sets a first
 * password and verifies the address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestServer, type TestServer } from './support/test-server.js';
import { UserAgent, alertText } from './support/user-agent.js';
import { followOnServer, registerOnAccountPage, signInToAccount, submitAndFollow, PASSWORD } from './support/mfa-journeys.js';
import { uniqueEmail } from './support/pages.js';
import { Mailbox, linkIn } from './support/mailbox.js';

describe('email change and invitation links', () => {
  let server: TestServer;
  let mailbox: Mailbox;
  before(async () => {
    server = await startTestServer();
    mailbox = Mailbox.ofServer(server.issuer);
  });
  after(() => server.close());

  const askChange = async (agent: UserAgent, newEmail: string, password = PASSWORD) => {
    const page = await followOnServer(server, agent, `${server.issuer}/account/email`);
    assert.equal(page.status, 200, page.body.slice(0, 300));
    return submitAndFollow(server, agent, page, '/account/email', { new_email: newEmail, current_password: password });
  };
  const user = async (email: string) => (await server.admin('GET', `/admin/users/${encodeURIComponent(email)}`));
  const events = async (email: string) => ((await server.admin('GET', `/admin/audit?user=${encodeURIComponent(email)}&limit=1000`)).body.events as { type: string; outcome: string }[]);

  it('changes the address only when the link mailed to the new one is followed, tells the old one, and verifies the new one', async () => {
    const person = await registerOnAccountPage(server);
    const newEmail = uniqueEmail('moved');
    const { posted, page } = await askChange(person.agent, newEmail);
    assert.equal(posted.status, 303);
    assert.match(page.body, /If .* can be used, we have sent a link there/);
    assert.equal((await user(person.email)).status, 200, 'nothing changed yet');
    const notice = await mailbox.next(person.email, /change of your email address was requested/);
    assert.ok(notice.text.includes(newEmail));
    const link = linkIn(await mailbox.next(newEmail, /Confirm your new email address/), 'email');

    const visitor = new UserAgent();
    const confirm = await visitor.request(link);
    assert.equal(confirm.status, 200);
    assert.equal((await user(person.email)).status, 200, 'opening the link (a mail scanner) changes nothing');
    const done = await visitor.submit(confirm, '/recover/email/', {});
    assert.equal(done.status, 200, done.body.slice(0, 300));
    assert.match(done.body, /Your email address is now/);
    const moved = await user(newEmail);
    assert.equal(moved.status, 200);
    assert.equal(moved.body.email_verified, true);
    assert.equal((await user(person.email)).status, 404);
    // Sessions stay: the person who changed it is still signed in, now under the new address.
    const home = await followOnServer(server, person.agent, `${server.issuer}/account`);
    assert.ok(home.body.includes(newEmail));
    // Single use.
    const again = await new UserAgent().request(link);
    assert.equal(again.status, 400);
    const types = (await events(newEmail)).map((e) => e.type);
    assert.ok(types.includes('email.change_requested') && types.includes('email.changed'));
  });

  it('answers a taken address exactly like a free one, sends it no link, and refuses a wrong password', async () => {
    const person = await registerOnAccountPage(server);
    const owner = await registerOnAccountPage(server);
    await mailbox.skipAll();
    const taken = await askChange(person.agent, owner.email);
    const free = await askChange(person.agent, uniqueEmail('free'));
    assert.equal(taken.posted.status, free.posted.status);
    const strip = (body: string, email: string) => body.replace(/name="csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '').replaceAll(email, 'EMAIL');
    assert.equal(strip(taken.page.body, owner.email), strip(free.page.body, /If (\S+) can be used/.exec(free.page.body)![1]!));
    await mailbox.next(person.email, /change of your email address/);
    await mailbox.next(person.email, /change of your email address/);
    assert.deepEqual(await mailbox.take(owner.email), [], 'the owner of a taken address gets no link');

    const wrong = await askChange(person.agent, uniqueEmail('other'), 'not the password');
    assert.equal(new URL(wrong.page.url).pathname, '/account/email');
    assert.match(alertText(wrong.page.body) ?? '', /password/i);
  });

  it('refuses the change when the address was taken between the request and the link', async () => {
    const person = await registerOnAccountPage(server);
    const target = uniqueEmail('race');
    await askChange(person.agent, target);
    const link = linkIn(await mailbox.next(target, /Confirm your new email address/), 'email');
    await registerOnAccountPage(server, target);
    const agent = new UserAgent();
    const done = await agent.submit(await agent.request(link), '/recover/email/', {});
    assert.equal(done.status, 409);
    assert.match(done.body, /can no longer be used/);
    assert.equal((await user(person.email)).status, 200, 'nothing changed');
  });

  it('refuses the confirmation without the page\'s CSRF token', async () => {
    const person = await registerOnAccountPage(server);
    const target = uniqueEmail('csrf');
    await askChange(person.agent, target);
    const link = linkIn(await mailbox.next(target, /Confirm your new email address/), 'email');
    assert.equal((await new UserAgent().request(link, { form: { csrf: 'forged' } })).status, 403);
    assert.equal((await user(person.email)).status, 200);
  });

  it('an invitation link sets a first password with "set your password" wording and verifies the address', async () => {
    const person = await registerOnAccountPage(server);
    const account = await user(person.email);
    await server.app.accountLinks.sendPasswordLink(account.body.id, 'invite', 'de');
    const mail = await mailbox.next(person.email, /Ihr Konto/);
    assert.match(mail.text, /Stunden/);
    const link = linkIn(mail, 'invite');
    const agent = new UserAgent();
    const page = await agent.request(link);
    assert.match(page.body, /<h1>Set your password<\/h1>/);
    assert.equal((await agent.request(link.replace('/recover/invite/', '/recover/reset/'))).status, 400, 'an invitation is no reset link');
    const done = await agent.submit(page, '/recover/invite/', { new_password: 'an invited person picks this', confirm_password: 'an invited person picks this' });
    assert.equal(done.status, 200);
    assert.equal((await user(person.email)).body.email_verified, true);
    const signedIn = await signInToAccount(server, person.email, { password: 'an invited person picks this' });
    assert.equal(new URL(signedIn.url).pathname, '/account');
    await assert.rejects(server.app.accountLinks.sendPasswordLink('no-such-account', 'reset', 'en'), /not found|user/i);
  });
});
