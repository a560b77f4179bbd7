/**
 * The limits of email verification (docs/email.md "Limits"), on the same counters as every other
 * limit (stores.counters: shared by all instances in production):
 * - codes: guesses at a verification code are guarded like second-factor codes (the same tiers
 *   as RATE_LIMIT_MFA_*), keyed on the normalised email, so an address with an account and one
 *   without are limited alike (SECURITY.md A2); `codesPerDay` caps them over a day, after which
 *   only the link confirms (a 6-digit code must not be guessable over time).
 * - sends: messages one client address causes (blocks that address: it is the sender's own) and,
 *   so nobody can use Portcullis to flood a mailbox, messages per recipient. The per-recipient
 *   caps are chosen so nobody can aim them at someone else (A14): registrations of an address
 *   (its verification, or "someone tried to register") have their own counter, and past it the
 *   registration answers the same and sends nothing; a sign-in's own step ("send again", a
 *   client's demand) counts per interaction, which only the person who proved the password holds,
 *   and per account (`MAILS_PER_ACCOUNT`): new interactions would otherwise have no end, and past
 *   that cap the step answers the same and sends nothing (only the password holder can cause these
 *   messages, and a quiet cap cannot be turned against the owner either).
 */
import { createAttemptGuard, takePoint, type AttemptGuard, type LimiterFactory, type Limited } from './attempt-guard.js';
import { limitAddress } from './client-address.js';
import type { LimitPolicy, Tier } from './limit-policy.js';

export const MAILS_PER_RECIPIENT: Tier = { points: 5, durationSeconds: 3600 };
export const MAILS_PER_INTERACTION: Tier = { points: 5, durationSeconds: 3600 };
/** Sign-in verification messages to one account, over all its interactions. */
export const MAILS_PER_ACCOUNT: Tier = { points: 10, durationSeconds: 3600 };
export const MAILS_PER_ADDRESS: Tier = { points: 20, durationSeconds: 3600, blockSeconds: 3600 };
/** Wrong verification codes per address and day, whatever the interaction: then only the link. */
export const CODES_PER_DAY: Tier = { points: 20, durationSeconds: 24 * 3600 };

/** Allowed, and whether to send: false past a per-recipient cap (the answer stays the same). */
export type SendDecision = Limited | { allowed: true; send: boolean };

export interface EmailLimits {
  codes: AttemptGuard;
  /**
   * One guess at `email`'s code against the daily tier, taken before the code is checked (so
   * concurrent guesses cannot pass it); `right()` gives the point back: it counts wrong codes.
   */
  codeToday(email: string): Promise<Limited | { allowed: true; right(): Promise<void> }>;
  /** One message a registration of `email` from `ip` causes. */
  registration(email: string, ip: string): Promise<SendDecision>;
  /**
   * One message a sign-in's step (interaction `interaction`) sends from `ip` to `account`'s
   * address: refused per interaction and address; `send: false` past the per-account cap.
   */
  step(interaction: string, ip: string, account: string | undefined): Promise<SendDecision>;
}

export function createEmailLimits(deps: { policy: LimitPolicy; make: LimiterFactory; isExempt(ip: string): boolean; perRecipient?: Tier; codesPerDay?: Tier; perAccount?: Tier }): EmailLimits {
  const { policy, make } = deps;
  const recipient = make('mail:registration-recipient', deps.perRecipient ?? MAILS_PER_RECIPIENT);
  const interaction = make('mail:interaction', MAILS_PER_INTERACTION);
  const address = make('mail:address', MAILS_PER_ADDRESS);
  const account = make('mail:account', deps.perAccount ?? MAILS_PER_ACCOUNT);
  const day = make('email-code:day', deps.codesPerDay ?? CODES_PER_DAY);
  const byAddress = async (ip: string) => (deps.isExempt(ip) ? undefined : takePoint(address, limitAddress(ip)));
  return {
    codes: createAttemptGuard({
      name: 'email-code', make, perAccount: policy.mfaPerAccount, perAccountAndAddress: policy.mfaPerAccountAndAddress, perAddress: policy.mfaPerAddress, isExempt: (ip) => deps.isExempt(ip),
    }),
    async codeToday(email) {
      const limited = await takePoint(day, email);
      if (limited) return limited;
      return { allowed: true, right: async () => { await day.reward(email, 1); } };
    },
    async registration(email, ip) {
      const limited = await byAddress(ip);
      if (limited) return limited;
      return { allowed: true, send: (await takePoint(recipient, email)) === undefined };
    },
    async step(key, ip, accountId) {
      const limited = (await byAddress(ip)) ?? (await takePoint(interaction, key));
      if (limited) return limited;
      return { allowed: true, send: accountId === undefined || (await takePoint(account, accountId)) === undefined };
    },
  };
}
