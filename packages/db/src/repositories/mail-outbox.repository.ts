/**
 * The mail outbox's rows. Everything here uses the primary: a claim must see the newest state.
 * - `insert` takes the executor the caller's transaction runs on, so a message is written in the
 *   same transaction as the change that causes it, never after its commit.
 * - `claim` is one statement: `FOR UPDATE SKIP LOCKED` lets concurrent senders on several
 *   instances each take different rows, and the claim moves `next_attempt_at` forward as a lease,
 *   so a sender that dies mid-delivery leaves the row to be claimed again once the lease is over.
 *   On PGlite (one connection, one caller at a time) the same statement simply has no rival.
 * - `markSent` and `markFailed` only touch a row still held by the same claim (status `sending`
 *   and the same attempt number), so a sender whose lease ran out cannot overwrite a newer claim.
 * - `sealedParams`: the parameters as the caller sealed them (mail/mail-outbox.ts), emptied with
 *   `params` once the message is final; a reseal re-encrypts them (sealed-value.repository.ts).
 */
import { sql } from 'kysely';
import type { Database, PrimaryDb } from '../database.js';

export type MailStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NewMail {
  id: string;
  recipient: string;
  template: string;
  locale: string;
  params: Record<string, unknown>;
  /** The parameters sealed at rest (then `params` is `{}`); null once the message is final. */
  sealedParams: string | null;
}

export interface ClaimedMail extends NewMail {
  /** This attempt's number, 1 for the first delivery. */
  attempts: number;
  createdAt: Date;
}

export interface MailRecord extends ClaimedMail {
  status: MailStatus;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
}

export interface OutboxBacklog {
  /** Messages not yet sent nor given up on. */
  waiting: number;
  /** When the oldest of them was queued; undefined when none waits. */
  oldest: Date | undefined;
}

export function createMailOutboxRepository(db: Database) {
  return {
    /** Queues one message on `executor`: the caller's transaction, or the primary itself. */
    async insert(executor: PrimaryDb, mail: NewMail): Promise<void> {
      await executor
        .insertInto('mail_outbox')
        .values({ id: mail.id, recipient: mail.recipient, template: mail.template, locale: mail.locale, params: JSON.stringify(mail.params), params_sealed: mail.sealedParams, status: 'pending' })
        .execute();
    },

    /**
     * Deletes the messages of `template` to `recipient` still waiting (not the one a sender holds):
     * their link or code was just replaced. On the caller's executor, like `insert`.
     */
    async dropPending(executor: PrimaryDb, recipient: string, template: string): Promise<number> {
      const result = await executor.deleteFrom('mail_outbox').where('recipient', '=', recipient).where('template', '=', template).where('status', '=', 'pending').executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    /** Takes up to `limit` due messages for `leaseMs`, counting the attempt; oldest due first. */
    async claim(limit: number, leaseMs: number): Promise<ClaimedMail[]> {
      const result = await sql<{ id: string; recipient: string; template: string; locale: string; params: Record<string, unknown>; params_sealed: string | null; attempts: number; created_at: Date }>`
        update mail_outbox
           set status = 'sending', attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
         where id in (
           select id from mail_outbox
            where status in ('pending', 'sending') and next_attempt_at <= now()
            order by next_attempt_at
            limit ${limit}
            for update skip locked)
        returning id, recipient, template, locale, params, params_sealed, attempts, created_at`.execute(db.primary);
      return result.rows.map((row) => ({ id: row.id, recipient: row.recipient, template: row.template, locale: row.locale, params: row.params, sealedParams: row.params_sealed, attempts: Number(row.attempts), createdAt: new Date(row.created_at) }));
    },

    /** Final: delivered. The parameters are emptied (they may hold a single-use link). */
    async markSent(id: string, attempt: number): Promise<boolean> {
      const result = await db.primary
        .updateTable('mail_outbox')
        .set({ status: 'sent', sent_at: new Date(), last_error: null, params: '{}', params_sealed: null })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .where('attempts', '=', attempt)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /**
     * A failed attempt: tried again at `retryAt`, or given up on (status `failed`, parameters
     * emptied) when `retryAt` is undefined. `error` must hold no secret (the caller's job).
     */
    async markFailed(id: string, attempt: number, error: string, retryAt: Date | undefined): Promise<boolean> {
      const result = await db.primary
        .updateTable('mail_outbox')
        .set(retryAt ? { status: 'pending', next_attempt_at: retryAt, last_error: error } : { status: 'failed', last_error: error, params: '{}', params_sealed: null })
        .where('id', '=', id)
        .where('status', '=', 'sending')
        .where('attempts', '=', attempt)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async backlog(): Promise<OutboxBacklog> {
      const row = await db.primary
        .selectFrom('mail_outbox')
        .select((eb) => [eb.fn.countAll<string>().as('waiting'), eb.fn.min('created_at').as('oldest')])
        .where('status', 'in', ['pending', 'sending'])
        .executeTakeFirstOrThrow();
      return { waiting: Number(row.waiting), oldest: row.oldest ? new Date(row.oldest) : undefined };
    },

    /** One message as stored (tests, and the admin's questions about a delivery). */
    async find(id: string): Promise<MailRecord | undefined> {
      const row = await db.primary.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
      return row && {
        id: row.id, recipient: row.recipient, template: row.template, locale: row.locale, params: row.params, sealedParams: row.params_sealed, attempts: Number(row.attempts), createdAt: row.created_at,
        status: row.status, nextAttemptAt: row.next_attempt_at, lastError: row.last_error, sentAt: row.sent_at,
      };
    },

    /** Every message to `recipient`, newest first (tests). */
    async listFor(recipient: string): Promise<MailRecord[]> {
      const rows = await db.primary.selectFrom('mail_outbox').select('id').where('recipient', '=', recipient).orderBy('created_at', 'desc').execute();
      const records = await Promise.all(rows.map((row) => this.find(row.id)));
      return records.filter((record): record is MailRecord => record !== undefined);
    },
  };
}

export type MailOutboxRepository = ReturnType<typeof createMailOutboxRepository>;
