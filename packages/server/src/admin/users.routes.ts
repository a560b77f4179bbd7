/**
 * Admin API: users. Disabling takes effect at once for sign-in (credentials are read from the
 * primary) and for token refresh and userinfo (findAccount refuses disabled accounts).
 * Disabling also ends every session of the user and revokes every grant with its tokens
 * (SECURITY.md A9, R16), one `session.revoked` event per session, back-channel logout included.
 * `sessions` lists the live sessions (never their ids: a session id is a browser's cookie);
 * `revoke-sessions` ends them all and revokes the grants.
 * `consents` lists the applications the user allowed ("Connected apps", SECURITY.md A17);
 * `DELETE …/consents/:clientId` withdraws one, revoking its grants with every token.
 * `unlock` is the way back in after a brute-force lockout (SECURITY.md A1): it forgets the
 * account's failed passwords and codes, everywhere and from every address that recently
 * failed against it (the addresses come from the audit log).
 */
import Router, { type RouterContext as Context } from '@koa/router';
import { z } from 'zod';
import type { Account } from '@portcullis/db';
import { LIST_LIMIT_MAX, type ConsentView, type RevokedConsent, type RevokedSessions, type SessionView, type UserDetailView, type UserView } from '@portcullis/contract';
import { AppError } from '../http/app-error.js';
import { requestMeta } from '../audit/audit.service.js';
import type { SessionSummary } from '../oidc/account-artefacts.js';
import type { UsersService } from '../accounts/users.service.js';
import type { ConnectedApp, ConnectedApps } from '../consents/connected-apps.service.js';

export interface UserAdminDeps {
  /** Lookups, disable/enable, sessions, unlock (accounts/users.service.ts). */
  users: UsersService;
  connectedApps: ConnectedApps;
}

const iso = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());

export function toSessionView(session: SessionSummary): SessionView {
  return {
    handle: session.handle,
    user_agent: session.info?.userAgent ?? null,
    ip: session.info?.ip ?? null,
    last_ip: session.info?.lastIp ?? null,
    signed_in_at: iso(session.info?.signedInAt ?? session.loginTs),
    last_seen_at: iso(session.info?.lastSeenAt),
    expires_at: iso(session.expiresAt),
    clients: session.clientIds,
  };
}

export function toConnectedAppView(app: ConnectedApp): ConsentView {
  return { client_id: app.clientId, client_name: app.clientName, scopes: app.scopes, since: app.since.toISOString(), updated_at: app.updatedAt.toISOString() };
}

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(LIST_LIMIT_MAX).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export function toUserView(account: Account): UserView {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    email_verified: account.emailVerified,
    disabled: account.disabled,
    created_at: account.createdAt.toISOString(),
  };
}

export function userAdminRoutes(deps: UserAdminDeps): Router {
  const { users } = deps;
  const router = new Router({ prefix: '/admin/users' });

  const endEverything = async (accountId: string, reason: 'user_disabled' | 'admin'): Promise<RevokedSessions> => {
    const result = await users.endEverything(accountId, reason);
    return { sessions_ended: result.sessionsEnded, grants_revoked: result.grantsRevoked };
  };
  const setDisabled = async (ctx: Context, disabled: boolean) => toUserView(await users.setDisabled(ctx.params.idOrEmail!, disabled, requestMeta(ctx)));

  router.get('/', async (ctx) => {
    const query = listQuery.safeParse(ctx.query);
    if (!query.success) throw new AppError('admin.invalid', `limit must be 1-${LIST_LIMIT_MAX} and offset a non-negative number`);
    ctx.body = { users: (await users.list(query.data)).map(toUserView) };
  });
  router.get('/:idOrEmail', async (ctx) => {
    const account = await users.find(ctx.params.idOrEmail!);
    const details = await users.details(account);
    const iso = (date: Date | undefined) => date?.toISOString() ?? null;
    ctx.body = {
      ...toUserView(account),
      mfa: { totp: details.mfa.enabled, recovery_codes_left: details.mfa.recoveryCodesLeft, passkeys: details.mfa.passkeys },
      last_sign_in_at: iso(details.lastSignInAt),
      lockout: { password_until: iso(details.passwordLockedUntil), code_until: iso(details.codeLockedUntil) },
    } satisfies UserDetailView;
  });
  router.post('/:idOrEmail/disable', async (ctx) => {
    ctx.body = await setDisabled(ctx, true);
  });
  router.post('/:idOrEmail/enable', async (ctx) => {
    ctx.body = await setDisabled(ctx, false);
  });
  router.get('/:idOrEmail/sessions', async (ctx) => {
    const account = await users.find(ctx.params.idOrEmail!);
    ctx.body = { sessions: (await users.listSessions(account.id)).map(toSessionView) };
  });
  router.post('/:idOrEmail/revoke-sessions', async (ctx) => {
    const account = await users.find(ctx.params.idOrEmail!);
    ctx.body = await endEverything(account.id, 'admin');
  });
  router.get('/:idOrEmail/consents', async (ctx) => {
    const account = await users.find(ctx.params.idOrEmail!);
    ctx.body = { consents: (await deps.connectedApps.list(account.id)).map(toConnectedAppView) };
  });
  router.delete('/:idOrEmail/consents/:clientId', async (ctx) => {
    const account = await users.find(ctx.params.idOrEmail!);
    const clientId = ctx.params.clientId!;
    // No client id holds U+0000, and PostgreSQL cannot even compare one.
    const removed = clientId.includes('\u0000') ? undefined : await deps.connectedApps.remove(account.id, clientId, 'admin', requestMeta(ctx));
    if (!removed || (!removed.consentRevoked && removed.grantsRevoked === 0)) throw new AppError('consent.not_found');
    ctx.body = { consent_revoked: removed.consentRevoked, grants_revoked: removed.grantsRevoked } satisfies RevokedConsent;
  });
  router.post('/:idOrEmail/unlock', async (ctx) => {
    ctx.body = toUserView(await users.unlock(ctx.params.idOrEmail!, requestMeta(ctx)));
  });
  return router;
}
