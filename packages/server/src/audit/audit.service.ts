/**
 * Writes audit events. The routes that perform an action call `record` once, after the action
 * decided its outcome, with the request's address and user agent.
 * - A failed write is logged and does not fail the action: refusing every sign-in because the
 *   audit table is unwritable would turn a logging fault into an outage. The log line names the
 *   event type so the gap can be found.
 * - The user agent is capped at 512 characters; the address is what Koa reports (the proxy's
 *   X-Forwarded-For only when TRUST_PROXY is on, SECURITY.md R14).
 */
import { randomUUID } from 'node:crypto';
import type { Context } from 'koa';
import type { AuditQuery, AuditRepository, ListedAuditEvent } from '@portcullis/db';
import type { Logger } from '../observability/logger.js';
import type { AuditEventType, AuditOutcome } from './audit-events.js';
import { errorMessage } from '../error-message.js';

export interface AuditInput {
  type: AuditEventType;
  outcome?: AuditOutcome;
  accountId?: string | null;
  clientId?: string | null;
  detail?: Record<string, unknown>;
}

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export const NO_REQUEST: RequestMeta = { ip: null, userAgent: null };

export function requestMeta(ctx: Pick<Context, 'ip' | 'get'>): RequestMeta {
  const userAgent = ctx.get('User-Agent');
  return { ip: ctx.ip || null, userAgent: userAgent ? userAgent.slice(0, 512) : null };
}

export interface AuditService {
  record(input: AuditInput, meta: RequestMeta): Promise<void>;
  list(query: AuditQuery): Promise<ListedAuditEvent[]>;
}

export function createAuditService(deps: { repository: AuditRepository; logger: Logger; clock?: () => Date }): AuditService {
  const clock = deps.clock ?? (() => new Date());
  return {
    async record(input, meta) {
      try {
        await deps.repository.insert({
          id: randomUUID(),
          time: clock(),
          type: input.type,
          outcome: input.outcome ?? 'success',
          accountId: input.accountId ?? null,
          clientId: input.clientId ?? null,
          ip: meta.ip,
          userAgent: meta.userAgent,
          detail: input.detail ?? {},
        });
      } catch (error) {
        deps.logger.error('audit write failed', { type: input.type, error: errorMessage(error) });
      }
    },
    list: (query) => deps.repository.list(query),
  };
}
