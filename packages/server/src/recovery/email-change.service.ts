/**
 * Changing the account's email from the account page.
 * - The current password is checked through the guarded sign-in, like a password change
 *   (limits, lockout events; SECURITY.md A1). Then the recovery limits per address and per new
 *   address apply.
 * - The address changes only when the link mailed to the NEW address is followed (single use,
 *   60 minutes): whoever asks must control that mailbox. The OLD address is told at once, so an
 *   owner whose session was misused hears of it.
 * - A new address that belongs to another account gets the same answer and the same notice to
 *   the old one; no link is sent (no enumeration, SECURITY.md A2). A race lost at the link's
 *   use (someone registered the address meanwhile) changes nothing: the unique index decides.
 * - The new address is verified by the link, so `email_verified` becomes true.
 * - Sessions stay: the password is unchanged, and every session was opened with it; the person
 *   who changed the address is the one signed in. ID tokens and userinfo read the address
 *   afresh (oidc/find-account.ts), so clients see the new one at their next token.
 * - Audit: `email.change_requested` (failure on a wrong password), `email.changed`.
 */
import { DuplicateEmailError, type AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { CheckAt, Guarded } from '../limits/guarded-check.js';
import type { Limits } from '../limits/limits.js';
import type { Locale } from '../messages/locales.js';
import type { GuardedSignIn } from '../accounts/guarded-sign-in.js';
import type { AccountLinks } from './account-links.service.js';
import type { RecoveryMail } from './recovery-mail.js';

export interface EmailChangeService {
  /** Throws `account.invalid_password`. */
  request(input: { accountId: string; email: string; current: string; newEmail: string; locale: Locale; at: CheckAt }): Promise<Guarded<object>>;
  /** The new address of a usable link, for its confirmation page. */
  check(token: string): Promise<{ newEmail: string } | undefined>;
  /** Throws `recovery.link_invalid`, or `recovery.email_unavailable` when the address was taken meanwhile. */
  confirm(token: string, meta: RequestMeta): Promise<{ accountId: string; newEmail: string }>;
}

export function createEmailChange(deps: {
  links: AccountLinks;
  accounts: Pick<AccountRepository, 'findByEmail'>;
  signIn: GuardedSignIn;
  limits: Pick<Limits, 'recovery'>;
  audit: AuditService;
  mail: RecoveryMail;
}): EmailChangeService {
  return {
    async request({ accountId, email, current, newEmail, locale, at }) {
      const checked = await deps.signIn.check(email, current, at);
      if (checked.limited) return checked;
      if (!checked.result.ok || checked.result.account.id !== accountId) {
        await deps.audit.record({ type: 'email.change_requested', outcome: 'failure', accountId, clientId: at.clientId, detail: { reason: 'account.invalid_password' } }, at.meta);
        throw new AppError('account.invalid_password');
      }
      const decision = await deps.limits.recovery(at.ip, newEmail);
      if (!decision.allowed) return { limited: true, retryAfterSeconds: decision.retryAfterSeconds };
      const taken = newEmail === email || (await deps.accounts.findByEmail(newEmail)) !== undefined;
      // Past the per-email cap the answer is the same and no link is mailed (A14).
      if (!taken && decision.send) await deps.links.sendEmailChangeLink(accountId, newEmail, locale);
      await deps.mail.send({ kind: 'email-change-notice', to: email, locale, newEmail });
      await deps.audit.record({ type: 'email.change_requested', accountId, clientId: at.clientId, detail: { link_sent: !taken && decision.send } }, at.meta);
      return { limited: false };
    },

    async check(token) {
      const link = await deps.links.find(token, 'email-change');
      return link?.newEmail ? { newEmail: link.newEmail } : undefined;
    },

    async confirm(token, meta) {
      let changed;
      try {
        changed = await deps.links.redeemEmail(token);
      } catch (error) {
        if (!(error instanceof DuplicateEmailError)) throw error;
        await deps.audit.record({ type: 'email.changed', outcome: 'failure', detail: { reason: 'email_taken' } }, meta);
        throw new AppError('recovery.email_unavailable');
      }
      if (!changed) {
        await deps.audit.record({ type: 'email.changed', outcome: 'failure', detail: { reason: 'link_unusable' } }, meta);
        throw new AppError('recovery.link_invalid');
      }
      await deps.audit.record({ type: 'email.changed', accountId: changed.accountId }, meta);
      return { accountId: changed.accountId, newEmail: changed.newEmail };
    },
  };
}
