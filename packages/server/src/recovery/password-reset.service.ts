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
 * - The link reached the account's mailbox, so the address is confirmed by it. When it was NOT
 *   confirmed before, whoever set the account up may not be the mailbox's owner (someone who
 *   registered another person's address): every second factor (authenticator app, recovery
 *   codes, passkeys) is removed in the same transaction as the new password, so nothing the
 *   registrant added survives the owner's reset (SECURITY.md A6). Sessions and grants end right
 *   after that transaction commits (they live in the provider's store, which may be Redis, so
 *   they cannot share it); until then the old password is already gone.
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
import type { FactorRemoval, RemovedFactors } from '../mfa/factor-removal.js';

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
  /** Every second factor at once, inside the reset's transaction (mfa/factor-removal.ts). */
  factors: FactorRemoval;
  /** How many passkeys the account keeps (the notice lists them), inside the same transaction. */
  passkeys: { countForAccount(accountId: string, within?: PrimaryDb): Promise<number> };
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
      let removed: RemovedFactors | undefined;
      // One transaction with the new password: the factors of an unconfirmed account go, and the
      // notice (for a reset) is queued, listing the passkeys that still sign in. No change without both.
      const within = async (trx: PrimaryDb, redeemed: { accountId: string; email: string; wasVerified: boolean }) => {
        if (!redeemed.wasVerified) removed = await deps.factors.removeAll(redeemed.accountId, trx);
        if (purpose !== 'reset') return;
        const passkeys = await deps.passkeys.countForAccount(redeemed.accountId, trx);
        await deps.mail.send({ kind: 'password-changed', to: redeemed.email, locale, passkeys }, trx);
      };
      const redeemed = await deps.links.redeemPassword(token, purpose, await deps.hasher.hash(password), within);
      if (!redeemed) {
        await deps.audit.record({ type: 'password.reset', outcome: 'failure', detail: { purpose, reason: 'link_unusable' } }, meta);
        throw new AppError('recovery.link_invalid');
      }
      const ended = await deps.ending.afterCredentialChange(redeemed.accountId);
      const factorsRemoved = removed && { factors_removed: { totp: removed.totp, passkeys: removed.passkeys } };
      await deps.audit.record({ type: 'password.reset', accountId: redeemed.accountId, detail: { purpose, sessions_ended: ended.sessionsEnded, grants_revoked: ended.grantsRevoked, email_confirmed: !redeemed.wasVerified, ...factorsRemoved } }, meta);
      return { continuePath: redeemed.continuePath };
    },
  };
}
