/**
 * "Forgot password?" and the page its link opens (SECURITY.md A2, A6, A9, A16, R16).
 * - `request` answers the same whatever the email: known, unknown or disabled, the caller shows
 *   one page, and the answer never comes sooner than `minimumMs` after the request began, so the
 *   time a known address takes (a link stored, a mail queued) is hidden under the same floor.
 *   Limits per address and per email come first (limits/): a refusal counts every email alike.
 * - `reset` checks the password policy before the link is used (a refused password leaves the
 *   link working), then uses the link and sets the password in one transaction. Every session
 *   of the account ends and every grant is revoked with its tokens: whoever held the old
 *   password, or a session made with it, is out. The person is NOT signed in: they sign in
 *   with the new password and, when they have one, their second factor (A6).
 * - Audit: `password.reset_requested` (failure when no mail was sent: unknown or disabled
 *   account), `password.reset` (`detail.purpose`, the counts; failure when the link was unusable).
 * - After a reset the account's address gets a "your password was changed" notice.
 */
import type { AccountRepository, PrimaryDb } from '@portcullis/db';
import { setTimeout as sleep } from 'node:timers/promises';
import { AppError } from '../http/app-error.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { Limited } from '../limits/attempt-guard.js';
import type { Limits } from '../limits/limits.js';
import type { Locale } from '../messages/locales.js';
import { assertPasswordAllowed } from '../accounts/account.service.js';
import type { PasswordHasher } from '../accounts/password-hasher.js';
import type { PasswordPolicy } from '../accounts/password-policy.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import type { AccountLinks, PasswordLinkPurpose } from './account-links.service.js';
import type { RecoveryMail } from './recovery-mail.js';

/** The floor under every forgot-password answer: above the work a known address takes. */
export const FORGOT_PASSWORD_MINIMUM_MS = 400;

export interface PasswordResetService {
  request(input: { email: string; locale: Locale; ip: string; meta: RequestMeta; clientId: string | null; continuePath?: string }): Promise<Limited | undefined>;
  /** The account a usable link is for (its page shows the address), or undefined. */
  check(token: string, purpose: PasswordLinkPurpose): Promise<{ email: string } | undefined>;
  /** Throws `recovery.link_invalid` or a `password.*` policy error. */
  reset(input: { token: string; purpose: PasswordLinkPurpose; password: string; locale: Locale; meta: RequestMeta }): Promise<{ continuePath: string | null }>;
}

export function createPasswordReset(deps: {
  links: AccountLinks;
  accounts: Pick<AccountRepository, 'findByEmail'>;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  ending: SessionEnding;
  audit: AuditService;
  limits: Pick<Limits, 'recovery'>;
  mail: RecoveryMail;
  minimumMs?: number;
}): PasswordResetService {
  const minimumMs = deps.minimumMs ?? FORGOT_PASSWORD_MINIMUM_MS;
  return {
    async request({ email, locale, ip, meta, clientId, continuePath }) {
      const started = performance.now();
      const decision = await deps.limits.recovery(ip, email);
      if (!decision.allowed) return decision;
      try {
        // Primary: an account registered a moment ago gets its link.
        const account = await deps.accounts.findByEmail(email);
        if (account && !account.disabled && decision.send) {
          await deps.links.sendPasswordLink(account.id, 'reset', locale, continuePath ? { continuePath } : {});
          await deps.audit.record({ type: 'password.reset_requested', accountId: account.id, clientId }, meta);
        } else if (account && !account.disabled) {
          // Past the per-email cap: the same answer, no mail (A14).
          await deps.audit.record({ type: 'password.reset_requested', outcome: 'failure', accountId: account.id, clientId, detail: { reason: 'recipient_limited' } }, meta);
        } else {
          await deps.audit.record({ type: 'password.reset_requested', outcome: 'failure', accountId: account?.id ?? null, clientId, detail: { reason: account ? 'disabled' : 'unknown_account' } }, meta);
        }
      } finally {
        await sleep(Math.max(0, minimumMs - (performance.now() - started)));
      }
      return undefined;
    },

    async check(token, purpose) {
      const link = await deps.links.find(token, purpose);
      return link && { email: link.email };
    },

    async reset({ token, purpose, password, locale, meta }) {
      assertPasswordAllowed(deps.policy, password);
      // The notice is queued in the transaction that sets the password: no change without it.
      const notice = purpose === 'reset' ? (trx: PrimaryDb, to: { email: string }) => deps.mail.send({ kind: 'password-changed', to: to.email, locale }, trx) : undefined;
      const redeemed = await deps.links.redeemPassword(token, purpose, await deps.hasher.hash(password), notice);
      if (!redeemed) {
        await deps.audit.record({ type: 'password.reset', outcome: 'failure', detail: { purpose, reason: 'link_unusable' } }, meta);
        throw new AppError('recovery.link_invalid');
      }
      const ended = await deps.ending.afterCredentialChange(redeemed.accountId);
      await deps.audit.record({ type: 'password.reset', accountId: redeemed.accountId, detail: { purpose, sessions_ended: ended.sessionsEnded, grants_revoked: ended.grantsRevoked } }, meta);
      return { continuePath: redeemed.continuePath };
    },
  };
}
