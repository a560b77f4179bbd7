/**
 * Admin API: an account's lifecycle (accounts/account-lifecycle.service.ts owns the rules and
 * writes the audit events). Bodies are parsed with the contract's zod schemas; a bad one is a 400.
 * - `POST /admin/users` creates an account without a password (`send_invite` mails a set-password link).
 * - `POST …/invite`, `…/reset-password` mail a link; the answer never holds it.
 * - `POST …/reset-mfa` removes every second factor and ends every session and grant.
 * - `POST …/verify-email` marks the email verified.
 * - `GET …/export` is everything stored about the person, without a secret.
 * - `DELETE /admin/users/:idOrEmail` deletes the account; the audit log keeps its id only.
 */
import Router from '@koa/router';
import type { z } from 'zod';
import { createUserInputSchema, sendLinkInputSchema, type CreatedUser, type DeletedUser, type LinkSent, type MfaReset, type UserExport } from '@portcullis/contract';
import { AppError } from '../http/app-error.js';
import { requestMeta } from '../audit/audit.service.js';
import { toAuditView } from '../audit/audit.routes.js';
import { DEFAULT_LOCALE } from '../messages/locales.js';
import type { AccountLifecycle, StoredPerson } from '../accounts/account-lifecycle.service.js';
import { toConnectedAppView, toSessionView, toUserView } from './users.routes.js';

function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AppError('admin.invalid', parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}

const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;

export function toUserExport(person: StoredPerson, now: Date): UserExport {
  const { account, totp } = person;
  return {
    exported_at: now.toISOString(),
    account: {
      id: account.id,
      email: account.email,
      name: account.name,
      email_verified: account.emailVerified,
      disabled: account.disabled,
      has_password: account.hasPassword,
      created_at: account.createdAt.toISOString(),
      updated_at: account.updatedAt.toISOString(),
    },
    consents: person.consents.map(toConnectedAppView),
    sessions: person.sessions.map(toSessionView),
    mfa: {
      totp: totp ? { enabled: totp.enabledAt !== null, enabled_at: iso(totp.enabledAt), created_at: totp.createdAt.toISOString() } : null,
      recovery_codes: (totp?.recoveryCodes ?? []).map((code) => ({ created_at: code.createdAt.toISOString(), used_at: iso(code.usedAt) })),
      passkeys: person.passkeys.map((passkey) => ({ name: passkey.name, created_at: passkey.createdAt.toISOString(), last_used_at: iso(passkey.lastUsedAt) })),
    },
    audit_events: person.auditEvents.map(toAuditView),
  };
}

export function userLifecycleRoutes(deps: { lifecycle: AccountLifecycle; clock?: () => Date }): Router {
  const { lifecycle } = deps;
  const clock = deps.clock ?? (() => new Date());
  const router = new Router({ prefix: '/admin/users' });

  router.post('/', async (ctx) => {
    const input = parseBody(createUserInputSchema, ctx.request.body);
    const created = await lifecycle.create({ email: input.email, name: input.name ?? null, sendInvite: input.send_invite ?? false, locale: input.locale ?? DEFAULT_LOCALE }, requestMeta(ctx));
    ctx.status = 201;
    ctx.body = { user: toUserView(created.account), invited: created.invited } satisfies CreatedUser;
  });
  for (const [path, purpose] of [['invite', 'invite'], ['reset-password', 'reset']] as const) {
    router.post(`/:idOrEmail/${path}`, async (ctx) => {
      const { locale = DEFAULT_LOCALE } = parseBody(sendLinkInputSchema, ctx.request.body);
      const who = ctx.params.idOrEmail!;
      const account = purpose === 'invite' ? await lifecycle.invite(who, locale, requestMeta(ctx)) : await lifecycle.sendPasswordReset(who, locale, requestMeta(ctx));
      ctx.body = { user: toUserView(account), purpose } satisfies LinkSent;
    });
  }
  router.post('/:idOrEmail/reset-mfa', async (ctx) => {
    const reset = await lifecycle.resetMfa(ctx.params.idOrEmail!, requestMeta(ctx));
    ctx.body = {
      user: toUserView(reset.account),
      totp_removed: reset.removed.totp,
      passkeys_removed: reset.removed.passkeys,
      sessions_ended: reset.sessionsEnded,
      grants_revoked: reset.grantsRevoked,
    } satisfies MfaReset;
  });
  router.post('/:idOrEmail/verify-email', async (ctx) => {
    ctx.body = toUserView(await lifecycle.verifyEmail(ctx.params.idOrEmail!, requestMeta(ctx)));
  });
  router.get('/:idOrEmail/export', async (ctx) => {
    ctx.body = toUserExport(await lifecycle.export(ctx.params.idOrEmail!, requestMeta(ctx)), clock());
  });
  router.delete('/:idOrEmail', async (ctx) => {
    const deleted = await lifecycle.delete(ctx.params.idOrEmail!, requestMeta(ctx));
    ctx.body = { id: deleted.id, sessions_ended: deleted.sessionsEnded, grants_revoked: deleted.grantsRevoked } satisfies DeletedUser;
  });
  return router;
}
