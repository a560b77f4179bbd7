/**
 * The outbox and its sender against real PGlite with the real migrations, and a transport that
 * records (or fails) deliveries: transactions decide what is queued, claims decide who sends.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMailOutboxRepository, migrateToLatest, openPglite, type Database, type MailOutboxRepository } from '@portcullis/db';
import { createMetrics } from '../observability/metrics.js';
import { createLogger } from '../observability/logger.js';
import { randomBytes } from 'node:crypto';
import { createSecretBox } from '../crypto/secret-box.js';
import { createMailOutbox } from './mail-outbox.js';
import { paramsOf, renderMail, retryDelayMs, startMailSender, MAX_RETRY_DELAY_MS } from './mail-sender.js';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileTransport, type MailTransport, type OutgoingMessage } from './mail-transport.js';

const logger = createLogger('error', { silent: true });
const box = createSecretBox(randomBytes(32));
const verification = { code: '123456', link: 'https://id.example/verify?token=abc', minutes: 15 };

function recordingTransport(fail: () => boolean = () => false): MailTransport & { sent: OutgoingMessage[] } {
  const sent: OutgoingMessage[] = [];
  return {
    sent,
    describe: 'memory',
    send(message) {
      if (fail()) return Promise.reject(new Error('connect ECONNREFUSED smtp://user:hunter2@mail.example:25'));
      sent.push(message);
      return Promise.resolve();
    },
    close: () => undefined,
  };
}

describe('mail outbox', () => {
  let db: Database;
  let repository: MailOutboxRepository;
  before(async () => {
    db = await openPglite(undefined);
    await migrateToLatest(db);
    repository = createMailOutboxRepository(db);
  });
  after(() => db.close());

  it('writes a message in the caller\'s transaction: a rollback leaves no message', async () => {
    const outbox = createMailOutbox({ repository, box });
    const to = 'rollback@example.com';
    await assert.rejects(db.primary.transaction().execute(async (trx) => {
      await outbox.enqueue(trx, { to, template: 'email_verification', locale: 'de', params: verification });
      throw new Error('the request failed after queueing');
    }));
    assert.deepEqual(await repository.listFor(to), []);
    const id = await db.primary.transaction().execute((trx) => outbox.enqueue(trx, { to, template: 'email_verification', locale: 'de', params: verification }));
    const [row] = await repository.listFor(to);
    assert.equal(row?.id, id);
    assert.equal(row?.status, 'pending');
    assert.equal(row?.locale, 'de');
  });

  it('seals a waiting message\'s parameters: the stored row holds no link and no code, and opens for its own row only', async () => {
    const outbox = createMailOutbox({ repository, box });
    const id = await outbox.enqueue(db.primary, { to: 'sealed@example.com', template: 'email_verification', params: verification });
    const stored = await db.primary.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const raw = JSON.stringify(stored);
    assert.ok(!raw.includes(verification.code) && !raw.includes('token=abc'), raw);
    assert.deepEqual(stored.params, {});
    assert.deepEqual(paramsOf({ id, params: stored.params, sealedParams: stored.params_sealed }, box), verification);
    assert.throws(() => paramsOf({ id: 'another-row', params: {}, sealedParams: stored.params_sealed }, box), 'moved to another row it does not open');
    await db.primary.deleteFrom('mail_outbox').where('id', '=', id).execute();
  });

  it('drops the waiting messages a new one replaces, not one a sender holds nor another template', async () => {
    const outbox = createMailOutbox({ repository, box });
    const to = 'replaced@example.com';
    const held = await outbox.enqueue(db.primary, { to, template: 'email_verification', params: verification });
    await db.primary.updateTable('mail_outbox').set({ status: 'sending' }).where('id', '=', held).execute();
    const waiting = await outbox.enqueue(db.primary, { to, template: 'email_verification', params: verification });
    const other = await outbox.enqueue(db.primary, { to, template: 'registration_attempt', params: { signInLink: 'https://id.example/' } });
    const newest = await outbox.enqueue(db.primary, { to, template: 'email_verification', params: verification, replacesPending: true });
    const ids = (await repository.listFor(to)).map((row) => row.id).sort();
    assert.deepEqual(ids, [held, other, newest].sort());
    assert.ok(!ids.includes(waiting));
    await db.primary.deleteFrom('mail_outbox').where('recipient', '=', to).execute();
  });

  it('refuses parameters the template does not accept, before writing anything', async () => {
    const outbox = createMailOutbox({ repository, box });
    await assert.rejects(outbox.enqueue(db.primary, { to: 'bad@example.com', template: 'email_verification', params: { ...verification, code: '12ab56' } }));
    await assert.rejects(outbox.enqueue(db.primary, { to: 'bad@example.com', template: 'email_verification', params: { ...verification, link: 'javascript:alert(1)' } }));
    assert.deepEqual(await repository.listFor('bad@example.com'), []);
  });

  it('lets concurrent claims take each message once', async () => {
    const outbox = createMailOutbox({ repository, box });
    for (let i = 0; i < 30; i += 1) await outbox.enqueue(db.primary, { to: `burst-${i}@example.com`, template: 'registration_attempt', params: { signInLink: 'https://id.example/' } });
    const claims = await Promise.all([repository.claim(12, 60_000), repository.claim(12, 60_000), repository.claim(12, 60_000)]);
    const ids = claims.flat().map((mail) => mail.id);
    assert.equal(ids.length, new Set(ids).size, 'no message is claimed twice');
    assert.ok(ids.length >= 30);
    assert.deepEqual(await repository.claim(50, 60_000), [], 'claimed messages are leased, not due');
    for (const mail of claims.flat()) await repository.markSent(mail.id, mail.attempts);
  });

  it('delivers, retries with backoff, and gives up after the last attempt', async () => {
    const metrics = createMetrics({ maxClientLabels: 5, processMetrics: false });
    let failing = true;
    const transport = recordingTransport(() => failing);
    const sender = startMailSender({ repository, box, transport, from: 'Portcullis <no-reply@id.example>', productName: () => Promise.resolve('Acme ID'), retryBaseMs: 100, maxAttempts: 3, metrics, logger, timing: { pollMs: 60_000 } });
    try {
      const outbox = createMailOutbox({ repository, box });
      const retried = await outbox.enqueue(db.primary, { to: 'retry@example.com', template: 'email_verification', locale: 'fr', params: verification });
      await sender.runOnce();
      let row = await repository.find(retried);
      assert.equal(row?.status, 'pending');
      assert.equal(row?.attempts, 1);
      assert.ok(row.nextAttemptAt.getTime() > Date.now(), 'the retry waits for its backoff');
      assert.doesNotMatch(row.lastError!, /hunter2/, 'no credential is stored with the error');
      failing = false;
      await new Promise((resolve) => setTimeout(resolve, 150));
      await sender.runOnce();
      row = await repository.find(retried);
      assert.equal(row?.status, 'sent');
      assert.deepEqual(row?.params, {}, 'the link is forgotten once sent');
      assert.equal(row?.sealedParams, null);
      const [message] = transport.sent;
      assert.equal(message?.to, 'retry@example.com');
      assert.match(message.subject, /Acme ID/);
      assert.match(message.text, /123456/);
      assert.match(message.html, /Confirmez votre adresse e-mail/);

      failing = true;
      const doomed = await outbox.enqueue(db.primary, { to: 'doomed@example.com', template: 'email_verification', params: verification });
      for (let attempt = 0; attempt < 3; attempt += 1) {
        await db.primary.updateTable('mail_outbox').set({ next_attempt_at: new Date(0) }).where('id', '=', doomed).where('status', '=', 'pending').execute();
        await sender.runOnce();
      }
      assert.equal((await repository.find(doomed))?.status, 'failed');
      const text = await metrics.registry.metrics();
      assert.match(text, /portcullis_mail_sent_total\{template="email_verification"\} 1/);
      assert.match(text, /portcullis_mail_failed_total\{template="email_verification",outcome="gave_up"\} 1/);
    } finally {
      await sender.stop();
    }
  });

  it('doubles the retry delay up to an hour', () => {
    assert.deepEqual([1, 2, 3].map((attempt) => retryDelayMs(attempt, 30_000)), [30_000, 60_000, 120_000]);
    assert.equal(retryDelayMs(20, 30_000), MAX_RETRY_DELAY_MS);
  });

  it('escapes parameters in the HTML part', () => {
    const rendered = renderMail({ template: 'registration_attempt', locale: 'en', params: { signInLink: 'https://id.example/?a="><script>' } }, '<b>Acme</b>');
    assert.doesNotMatch(rendered.html, /<script>|<b>Acme/);
    assert.match(rendered.html, /&lt;b&gt;Acme/);
  });

  it('writes file mail as owner-only .eml files in DATA_DIR/mail', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'portcullis-file-mail-'));
    try {
      const transport = fileTransport(dir);
      await transport.send({ id: 'm-1', template: 'registration_attempt', from: 'no-reply@id.example', to: 'ada@example.com', subject: 'Hello', text: 'Plain', html: '<p>Plain</p>' });
      const [name] = await readdir(path.join(dir, 'mail'));
      assert.match(name!, /-m-1\.eml$/);
      assert.equal((await stat(path.join(dir, 'mail', name!))).mode & 0o777, 0o600);
      assert.equal((await stat(path.join(dir, 'mail'))).mode & 0o777, 0o700);
      assert.match(await readFile(path.join(dir, 'mail', name!), 'utf8'), /Message-ID: <m-1@portcullis>/i);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
