/**
 * Admin API: `GET /admin/audit?user=EMAIL_OR_ID&since=DURATION&limit=N`, newest first. `user` is
 * an email (it holds an `@`: the account with that email and failed sign-ins that named it without
 * an account existing) or an account id (that account's events, under its current email too).
 */
import Router from '@koa/router';
import { z } from 'zod';
import type { ListedAuditEvent } from '@portcullis/db';
import { LIST_LIMIT_MAX, parseDuration, type AuditEventView } from '@portcullis/contract';
import type { UsersService } from '../accounts/users.service.js';
import { AppError } from '../http/app-error.js';
import { emailSchema } from '../accounts/email.js';
import type { AuditService } from './audit.service.js';

const auditQuery = z.object({
  user: z.union([emailSchema, z.string().min(1).max(200).refine((value) => !value.includes('@') && !value.includes('\u0000'))]).optional(),
  since: z.string().transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: 'since must look like 15m, 24h or 7d' });
      return z.NEVER;
    }
    return ms;
  }).optional(),
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(100),
});

export function toAuditView(event: ListedAuditEvent): AuditEventView {
  return {
    id: event.id,
    time: event.time.toISOString(),
    type: event.type,
    outcome: event.outcome,
    account_id: event.accountId,
    email: event.accountEmail ?? (typeof event.detail.email === 'string' ? event.detail.email : null),
    client_id: event.clientId,
    ip: event.ip,
    user_agent: event.userAgent,
    detail: event.detail,
  };
}

export function auditAdminRoutes(deps: { audit: Pick<AuditService, 'list'>; users: Pick<UsersService, 'findByEmail' | 'findById'>; clock?: () => Date }): Router {
  const router = new Router({ prefix: '/admin/audit' });
  const clock = deps.clock ?? (() => new Date());
  router.get('/', async (ctx) => {
    const parsed = auditQuery.safeParse(ctx.query);
    if (!parsed.success) throw new AppError('audit.invalid');
    const { user, since, limit } = parsed.data;
    const byId = user !== undefined && !user.includes('@');
    const account = user === undefined ? undefined : byId ? await deps.users.findById(user) : await deps.users.findByEmail(user);
    // An id no account has still finds its events: a deleted account's rows keep its id.
    const email = byId ? account?.email : user;
    const accountId = byId ? user : account?.id;
    const events = await deps.audit.list({
      ...(email !== undefined && { email }),
      ...(accountId !== undefined && { accountId }),
      ...(since !== undefined && { since: new Date(clock().getTime() - since) }),
      limit,
    });
    ctx.body = { events: events.map(toAuditView) };
  });
  return router;
}
