/**
 * The limits of email verification (docs/email.md "Limits"), on the same counters as every other
 * limit (stores.counters: shared by all instances in production):
 * - codes: guesses at a verification code are guarded like second-factor codes (the same tiers
 *   as RATE_LIMIT_MFA_*), keyed on the normalised email, so an address with an account and one
 *   without are limited alike (SECURITY.md A2).
 * - sends: messages one address receives (registration, "send again", a client's demand) and
 *   messages one client address causes, so nobody can use Portcullis to flood a mailbox. The
 *   per-recipient counter never blocks beyond its window (an attacker can fill it, A14); the
 *   per-address one blocks the sender's address.
 */
import { createAttemptGuard, takePoint, type AttemptGuard, type LimiterFactory, type Limited } from './attempt-guard.js';
import { limitAddress } from './client-address.js';
import type { LimitPolicy, Tier } from './limit-policy.js';

export const MAILS_PER_RECIPIENT: Tier = { points: 5, durationSeconds: 3600 };
export const MAILS_PER_ADDRESS: Tier = { points: 20, durationSeconds: 3600, blockSeconds: 3600 };

export interface EmailLimits {
  codes: AttemptGuard;
  /** One more message to `email` caused from `ip`: undefined when allowed. */
  send(email: string, ip: string): Promise<Limited | undefined>;
}

export function createEmailLimits(deps: { policy: LimitPolicy; make: LimiterFactory; isExempt(ip: string): boolean; perRecipient?: Tier }): EmailLimits {
  const { policy, make } = deps;
  const recipient = make('mail:recipient', deps.perRecipient ?? MAILS_PER_RECIPIENT);
  const address = make('mail:address', MAILS_PER_ADDRESS);
  const take = takePoint;
  return {
    codes: createAttemptGuard({
      name: 'email-code', make, perAccount: policy.mfaPerAccount, perAccountAndAddress: policy.mfaPerAccountAndAddress, perAddress: policy.mfaPerAddress, isExempt: (ip) => deps.isExempt(ip),
    }),
    async send(email, ip) {
      if (!deps.isExempt(ip)) {
        const limited = await take(address, limitAddress(ip));
        if (limited) return limited;
      }
      return take(recipient, email);
    },
  };
}
