/**
 * Registration that never says an address is taken (SECURITY.md A2, docs/security.md A6):
 * - a new address: the account is created, unverified, and a verification message queued, in one
 *   transaction;
 * - an address that has an account: nothing is created, and its owner is sent "someone tried to
 *   register with your address" (with a link to sign in);
 * - both answer the same "check your email" step, after the same work (the password policy, one
 *   argon2id hash, one queued message) and the same limits: per client address
 *   (`limits.registration`, `emailLimits.registration`: a 429 to the sender's own address) and per
 *   recipient. Past the per-recipient cap the answer is the same and no notice is sent: the cap is
 *   never a 429, so nobody can aim it at the address's owner (A14), and it is not the counter the
 *   owner's own verification mail needs (a sign-in's step counts per interaction). A new address's
 *   verification is always sent (an address becomes taken by its first registration).
 * Writes one `account.registered` event: success, or failure with `detail.reason: email_taken`
 * (only the audit log tells the two apart).
 */
import { randomUUID } from 'node:crypto';
import { DuplicateEmailError, type AccountRepository, type PrimaryDb } from '@portcullis/db';
import type { AuditService } from '../audit/audit.service.js';
import type { CheckAt, Guarded } from '../limits/guarded-check.js';
import type { Limits } from '../limits/limits.js';
import type { EmailLimits } from '../limits/email-limits.js';
import type { MailOutbox } from '../mail/mail-outbox.js';
import { assertPasswordAllowed } from './account.service.js';
import type { EmailSubject, EmailVerificationService } from './email-verification.service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';

export interface RegistrationLinks {
  /** The verification link for a token (it continues the sign-in that registered, in its browser). */
  verify: (token: string) => string;
  /** Where the owner of a taken address signs in (the account page starts a sign-in). */
  signIn: string;
}

export interface RegistrationService {
  /** Throws the `password.*` error of a refused password (the same for every address). */
  register(input: { email: string; password: string; name: string | null; at: CheckAt; links: RegistrationLinks }): Promise<Guarded<{ subject: EmailSubject }>>;
}

export function createRegistrationService(deps: {
  primary: PrimaryDb;
  accounts: Pick<AccountRepository, 'insert' | 'findByEmail'>;
  verification: Pick<EmailVerificationService, 'issue' | 'sent'>;
  outbox: MailOutbox;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  limits: Pick<Limits, 'registration'>;
  emailLimits: Pick<EmailLimits, 'registration'>;
  audit: AuditService;
}): RegistrationService {
  const { audit } = deps;

  async function tellOwner(email: string, accountId: string | null, links: RegistrationLinks, at: CheckAt, send: boolean): Promise<void> {
    if (send) await deps.outbox.enqueue(deps.primary, { to: email, template: 'registration_attempt', params: { signInLink: links.signIn } });
    await audit.record({ type: 'account.registered', outcome: 'failure', accountId, clientId: at.clientId, detail: { reason: 'email_taken', ...(!send && { notice: 'recipient_limited' }) } }, at.meta);
  }

  return {
    async register({ email, password, name, at, links }) {
      const limited = await deps.limits.registration(at.ip);
      if (limited) return { limited: true, retryAfterSeconds: limited.retryAfterSeconds };
      const mail = await deps.emailLimits.registration(email, at.ip);
      if (!mail.allowed) return { limited: true, retryAfterSeconds: mail.retryAfterSeconds };
      assertPasswordAllowed(deps.policy, password);
      // Hashed for both answers, so a taken address costs the same time as a new one.
      const passwordHash = await deps.hasher.hash(password);
      const existing = await deps.accounts.findByEmail(email);
      if (existing) {
        await tellOwner(email, existing.id, links, at, mail.send);
        return { limited: false, subject: { accountId: null, email } };
      }
      try {
        const account = await deps.primary.transaction().execute(async (trx) => {
          const created = await deps.accounts.insert({ id: randomUUID(), email, passwordHash, name }, trx);
          await deps.verification.issue(trx, created, links.verify);
          return created;
        });
        await deps.verification.sent(account.id, 'registration', at);
        await audit.record({ type: 'account.registered', accountId: account.id, clientId: at.clientId, detail: { email_verified: false } }, at.meta);
        return { limited: false, subject: { accountId: account.id, email } };
      } catch (error) {
        // Two registrations of one new address at once: the unique index let the other one win.
        if (!(error instanceof DuplicateEmailError)) throw error;
        await tellOwner(email, null, links, at, mail.send);
        return { limited: false, subject: { accountId: null, email } };
      }
    },
  };
}
