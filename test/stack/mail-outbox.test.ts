/**
 * The mail outbox across the stack's instances (docs/email.md): every instance runs a sender on
 * the shared PostgreSQL, claims with FOR UPDATE SKIP LOCKED, and delivers to the stack's SMTP
 * sink (infra/local/smtp-sink.sh).
 * - A burst queued at once is delivered exactly once per message: one file per outbox id.
 * - While the sink is down, messages wait (pending, an attempt and its error recorded); once it
 *   is back, the retries deliver each of them, once.
 * The in-process app of the test (test-server.ts) has no SMTP_URL, so it only queues.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { readMailDir } from '@portcullis/server/testing/smtp-sink.js';
import { stackEnv, startTestServer, type TestServer } from '../support/test-server.js';
import { adminUrls, stack, waitFor } from './stack-control.js';

describe('mail outbox across instances', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(async () => {
    // The sink comes back whatever happened, for the suites after this one.
    await stack('start-smtp').catch(() => undefined);
    await server.close();
  });

  const sentBy = async (adminUrl: string) => {
    const text = await (await fetch(`${adminUrl}/metrics`)).text();
    return [...text.matchAll(/^portcullis_mail_sent_total\{template="registration_attempt"\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
  };

  /** Queues `count` messages, each to its own address, the way a request does: in a transaction. */
  async function queue(label: string, count: number): Promise<{ ids: string[]; recipients: string[] }> {
    const recipients = Array.from({ length: count }, (_, i) => `${label}-${i}-${randomUUID()}@example.test`);
    const ids = await server.app.db.primary.transaction().execute(async (trx) => {
      const queued: string[] = [];
      for (const to of recipients) queued.push(await server.app.mail.outbox.enqueue(trx, { to, template: 'registration_attempt', locale: 'en', params: { signInLink: `${server.issuer}/account` } }));
      return queued;
    });
    return { ids, recipients };
  }

  /** How many files the sink holds for each outbox id. */
  async function deliveries(ids: string[]): Promise<Map<string, number>> {
    const wanted = new Set(ids);
    const counts = new Map<string, number>();
    for (const message of await readMailDir(stackEnv('STACK_SMTP_DIR'))) {
      const id = /^<([^@]+)@portcullis>$/.exec(message.messageId)?.[1];
      if (id && wanted.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  it('delivers a burst queued at once exactly once per message, from the instances', async () => {
    const before = await Promise.all(adminUrls().map(sentBy));
    const { ids } = await queue('burst', 60);
    await waitFor('every message of the burst in the sink', async () => (await deliveries(ids)).size === ids.length, 60_000);
    // A moment more: a second delivery of any of them would show now.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const counts = await deliveries(ids);
    assert.deepEqual([...counts.values()].filter((n) => n !== 1), [], 'no message delivered twice');
    const rows = await server.app.db.primary.selectFrom('mail_outbox').select(['status', 'attempts']).where('id', 'in', ids).execute();
    assert.ok(rows.every((row) => row.status === 'sent' && row.attempts === 1), 'each sent on its first attempt');
    const after = await Promise.all(adminUrls().map(sentBy));
    const perInstance = after.map((n, i) => n - before[i]!);
    assert.equal(perInstance.reduce((a, b) => a + b, 0), ids.length, `the instances' senders delivered them (${perInstance.join(' + ')})`);
  });

  it('keeps messages while the mail relay is down and delivers each once after it is back', async () => {
    await stack('stop-smtp');
    const { ids } = await queue('outage', 5);
    await waitFor('a failed attempt on every message', async () => {
      const rows = await server.app.db.primary.selectFrom('mail_outbox').select(['status', 'attempts', 'last_error']).where('id', 'in', ids).execute();
      return rows.every((row) => row.status === 'pending' && row.attempts >= 1 && row.last_error !== null);
    }, 30_000);
    assert.equal((await deliveries(ids)).size, 0, 'nothing reached the sink meanwhile');
    await stack('start-smtp');
    await waitFor('every message delivered after the outage', async () => (await deliveries(ids)).size === ids.length, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    assert.deepEqual([...(await deliveries(ids)).values()], ids.map(() => 1));
    const rows = await server.app.db.primary.selectFrom('mail_outbox').select(['status', 'params']).where('id', 'in', ids).execute();
    assert.ok(rows.every((row) => row.status === 'sent' && Object.keys(row.params).length === 0));
  });
});
