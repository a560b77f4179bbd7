/**
 * The audit log: append-only rows, newest first when listed. Reads use the primary: an admin
 * looks up what just happened, and a replica may not have it yet.
 */
import { sql } from 'kysely';
import type { Database } from '../database.js';
import type { AuditEventRow } from '../schema.js';

export interface AuditEvent {
  id: string;
  time: Date;
  type: string;
  accountId: string | null;
  clientId: string | null;
  ip: string | null;
  userAgent: string | null;
  outcome: 'success' | 'failure';
  detail: Record<string, unknown>;
}

/** A listed event, with the email of its account when the account still exists. */
export interface ListedAuditEvent extends AuditEvent {
  accountEmail: string | null;
}

export type NewAuditEvent = Omit<AuditEvent, 'time'> & { time?: Date };

export interface AuditQuery {
  /** Events of this account, or about this email when no account had it (failed sign-ins). */
  accountId?: string;
  email?: string;
  since?: Date;
  /** Only events of this type and outcome (an account's last sign-in, say). */
  type?: string;
  outcome?: 'success' | 'failure';
  limit: number;
}

function toEvent(row: AuditEventRow & { account_email: string | null }): ListedAuditEvent {
  return {
    accountEmail: row.account_email,
    id: row.id,
    time: row.time,
    type: row.type,
    accountId: row.account_id,
    clientId: row.client_id,
    ip: row.ip,
    userAgent: row.user_agent,
    outcome: row.outcome,
    detail: row.detail,
  };
}

export function createAuditRepository(db: Database) {
  return {
    async insert(event: NewAuditEvent): Promise<void> {
      await db.primary
        .insertInto('audit_events')
        .values({
          id: event.id,
          ...(event.time && { time: event.time }),
          type: event.type,
          account_id: event.accountId,
          client_id: event.clientId,
          ip: event.ip,
          user_agent: event.userAgent,
          outcome: event.outcome,
          detail: JSON.stringify(event.detail),
        })
        .execute();
    },

    async list(query: AuditQuery): Promise<ListedAuditEvent[]> {
      let q = db.primary
        .selectFrom('audit_events')
        .leftJoin('accounts', 'accounts.id', 'audit_events.account_id')
        .selectAll('audit_events')
        .select('accounts.email as account_email');
      if (query.accountId !== undefined || query.email !== undefined) {
        const { accountId, email } = query;
        q = q.where((eb) =>
          eb.or([
            ...(accountId === undefined ? [] : [eb('audit_events.account_id', '=', accountId)]),
            ...(email === undefined ? [] : [eb(sql<string>`audit_events.detail->>'email'`, '=', email)]),
          ]),
        );
      }
      if (query.since) q = q.where('audit_events.time', '>=', query.since);
      if (query.type !== undefined) q = q.where('audit_events.type', '=', query.type);
      if (query.outcome !== undefined) q = q.where('audit_events.outcome', '=', query.outcome);
      const rows = await q.orderBy('audit_events.time', 'desc').orderBy('audit_events.id', 'desc').limit(query.limit).execute();
      return rows.map(toEvent);
    },
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
