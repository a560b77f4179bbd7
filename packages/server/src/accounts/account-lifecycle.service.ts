/**
 * An account's life as an administrator runs it (admin API `/admin/users`, `portcullis users`):
 * create, invite, send a password reset, reset the second factor, verify the email, export,
 * delete. Each action writes one audit event naming it (`account.*`, actor `admin`, the account
 * the target) after it decided its outcome; routes only parse and render.
 * - Create makes an account without a password: nothing signs in to it until the person sets one
 *   through a mailed set-password link (the password check treats a missing hash as wrong).
 * - No answer and no event ever holds a link, a password, a seed or a code: links are mailed by
 *   the account-links sender, which never hands them back.
 * - REGISTRATION (packages/config) decides who may join: `open` and `invite` let an administrator
 *   create and invite; `closed` takes no new people at all, so create and invite are refused
 *   (a password reset for an existing account is recovery, not joining, and stays allowed).
 * - Reset-MFA and delete end every session and revoke every grant (session-ending.ts), the way a
 *   credential change does: whatever was signed in under the old factors must not outlive them.
 * - Delete removes the account with everything hanging off it (consents, factors, sessions,
 *   grants, pending links and mail) and scrubs its email from the audit log; the audit rows keep
 *   the account id only.
 */
import { randomUUID } from 'node:crypto';
import { DuplicateEmailError, type Account, type AccountLifecycleRepository, type ListedAuditEvent, type StoredAccount, type StoredTotp } from '@portcullis/db';
import type { Registration } from '@portcullis/config';
import { AppError } from '../http/app-error.js';
import { message } from '../messages/message.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { Locale } from '../messages/locales.js';
import type { FactorRemoval, RemovedFactors } from '../mfa/factor-removal.js';
import type { ConnectedApp } from '../consents/connected-apps.service.js';
import type { SessionSummary } from '../oidc/account-artefacts.js';
import { emailSchema } from './email.js';
import type { CredentialChangeResult, SessionEnding } from './session-ending.js';
import type { UsersService } from './users.service.js';

/** Mails a single-use set-password link to the account's address; never returns the link. */
export interface PasswordLinkSender {
  sendPasswordLink(accountId: string, purpose: 'reset' | 'invite', locale: Locale): Promise<void>;
}

/** A passkey as export shows it: no public key, no credential id. */
export interface PasskeySummary {
  name: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export interface StoredPerson {
  account: StoredAccount;
  consents: ConnectedApp[];
  sessions: SessionSummary[];
  totp: StoredTotp | undefined;
  passkeys: PasskeySummary[];
  auditEvents: ListedAuditEvent[];
}

export interface AccountLifecycle {
  create(input: { email: string; name: string | null; sendInvite: boolean; locale: Locale }, meta: RequestMeta): Promise<{ account: Account; invited: boolean }>;
  /** For an account that has no password or has never signed in; `user.active` otherwise. */
  invite(idOrEmail: string, locale: Locale, meta: RequestMeta): Promise<Account>;
  sendPasswordReset(idOrEmail: string, locale: Locale, meta: RequestMeta): Promise<Account>;
  resetMfa(idOrEmail: string, meta: RequestMeta): Promise<{ account: Account; removed: RemovedFactors } & CredentialChangeResult>;
  verifyEmail(idOrEmail: string, meta: RequestMeta): Promise<Account>;
  export(idOrEmail: string, meta: RequestMeta): Promise<StoredPerson>;
  delete(idOrEmail: string, meta: RequestMeta): Promise<{ id: string } & CredentialChangeResult>;
}

/** How many audit events an export carries at most (a person's whole history, bounded). */
export const EXPORT_AUDIT_LIMIT = 10_000;

export function createAccountLifecycle(deps: {
  repository: AccountLifecycleRepository;
  users: Pick<UsersService, 'find'>;
  audit: AuditService;
  ending: SessionEnding;
  factors: FactorRemoval;
  /** The account links of recovery/ (`createAccountLinks`): single-use, mailed, never returned. */
  links: PasswordLinkSender;
  connectedApps: { list(accountId: string): Promise<ConnectedApp[]> };
  listPasskeys?: (accountId: string) => Promise<PasskeySummary[]>;
  registration: Registration;
}): AccountLifecycle {
  const { repository, audit } = deps;
  const admin = { actor: 'admin' };

  const refuseWhenClosed = () => {
    if (deps.registration === 'closed') throw new AppError('registration.closed', message('error.registration.closed_admin'));
  };
  const stored = async (account: Account): Promise<StoredAccount> => {
    const found = await repository.findStored(account.id);
    if (!found) throw new AppError('user.not_found');
    return found;
  };
  /** Signed in at least once: a password sign-in, or the registration that signs in. */
  const signedInBefore = async (accountId: string): Promise<boolean> => {
    for (const type of ['signin', 'account.registered'] as const) {
      if ((await audit.list({ accountId, type, outcome: 'success', limit: 1 })).length > 0) return true;
    }
    return false;
  };

  return {
    async create({ email, name, sendInvite, locale }, meta) {
      refuseWhenClosed();
      const parsed = emailSchema.safeParse(email);
      if (!parsed.success) throw new AppError('admin.invalid', parsed.error.issues[0]!.message);
      let account: Account;
      try {
        account = await repository.insertWithoutPassword({ id: randomUUID(), email: parsed.data, name });
      } catch (error) {
        if (error instanceof DuplicateEmailError) throw new AppError('user.exists');
        throw error;
      }
      if (sendInvite) await deps.links.sendPasswordLink(account.id, 'invite', locale);
      await audit.record({ type: 'account.created', accountId: account.id, detail: { ...admin, invited: sendInvite } }, meta);
      return { account, invited: sendInvite };
    },

    async invite(idOrEmail, locale, meta) {
      refuseWhenClosed();
      const account = await deps.users.find(idOrEmail);
      if ((await stored(account)).hasPassword && (await signedInBefore(account.id))) throw new AppError('user.active');
      await deps.links.sendPasswordLink(account.id, 'invite', locale);
      await audit.record({ type: 'account.invited', accountId: account.id, detail: admin }, meta);
      return account;
    },

    async sendPasswordReset(idOrEmail, locale, meta) {
      const account = await deps.users.find(idOrEmail);
      await deps.links.sendPasswordLink(account.id, 'reset', locale);
      await audit.record({ type: 'account.password_reset_sent', accountId: account.id, detail: admin }, meta);
      return account;
    },

    async resetMfa(idOrEmail, meta) {
      const account = await deps.users.find(idOrEmail);
      const removed = await deps.factors.removeAll(account.id);
      const ended = await deps.ending.afterCredentialChange(account.id);
      await audit.record({
        type: 'account.mfa_reset',
        accountId: account.id,
        detail: { ...admin, totp_removed: removed.totp, passkeys_removed: removed.passkeys, sessions_ended: ended.sessionsEnded, grants_revoked: ended.grantsRevoked },
      }, meta);
      return { account, removed, ...ended };
    },

    async verifyEmail(idOrEmail, meta) {
      const account = await deps.users.find(idOrEmail);
      if (!(await repository.markEmailVerified(account.id))) throw new AppError('user.not_found');
      await audit.record({ type: 'account.email_verified', accountId: account.id, detail: { ...admin, was_verified: account.emailVerified } }, meta);
      return { ...account, emailVerified: true };
    },

    async export(idOrEmail, meta) {
      const account = await stored(await deps.users.find(idOrEmail));
      const [consents, sessions, totp, passkeys, auditEvents] = await Promise.all([
        deps.connectedApps.list(account.id),
        deps.ending.listSessions(account.id),
        repository.findTotp(account.id),
        deps.listPasskeys?.(account.id) ?? Promise.resolve([]),
        audit.list({ accountId: account.id, email: account.email, limit: EXPORT_AUDIT_LIMIT }),
      ]);
      await audit.record({ type: 'account.exported', accountId: account.id, detail: admin }, meta);
      return { account, consents, sessions, totp, passkeys, auditEvents };
    },

    async delete(idOrEmail, meta) {
      const account = await deps.users.find(idOrEmail);
      await deps.factors.removeAll(account.id);
      if (!(await repository.deleteAccount(account.id, account.email))) throw new AppError('user.not_found');
      // Sessions and grants live in the stores (Redis or oidc_payloads), outside the account's
      // transaction. Ended after the row is gone, so a sign-in racing with the delete cannot
      // leave a session behind (findAccount refuses an account that no longer exists).
      const ended = await deps.ending.afterCredentialChange(account.id);
      await audit.record({ type: 'account.deleted', accountId: account.id, detail: { ...admin, sessions_ended: ended.sessionsEnded, grants_revoked: ended.grantsRevoked } }, meta);
      return { id: account.id, ...ended };
    },
  };
}
