/**
 * Builds every rate limit from one policy (limit-policy.ts), on the counters of the instance's
 * stores (stores/): shared by every instance when the store is (production: N instances must
 * not allow N times the limit), in this process's memory otherwise (embedded mode is one
 * process; unit tests pass none).
 * Counter keys are `portcullis:limit:<name>:<key>` and expire with their window or block.
 */
import { createAttemptGuard, takePoint, type AttemptGuard, type Limited, type LimiterFactory } from './attempt-guard.js';
import { createExemption, limitAddress } from './client-address.js';
import type { SendDecision } from './email-limits.js';
import type { LimitPolicy } from './limit-policy.js';
import { createTokenAuthGuard, type TokenAuthGuard } from './token-auth-guard.js';
import { createUserCodeGuard, type UserCodeGuard } from './user-code-guard.js';

export interface Limits {
  policy: LimitPolicy;
  /** Password guesses, keyed on the normalised email (so unknown emails behave the same); a known device has its own counter. */
  password: AttemptGuard;
  /** TOTP and recovery-code guesses, keyed on the account id. */
  mfa: AttemptGuard;
  /** One registration attempt from `ip`: undefined when allowed. */
  registration(ip: string): Promise<Limited | undefined>;
  /** One dynamic client registration from `ip` (RFC 7591; the same tier as account registration, its own counter). */
  clientRegistration(ip: string): Promise<Limited | undefined>;
  /** Failed client authentications at the token endpoint, per client and address and per address. */
  tokenAuth: TokenAuthGuard;
  /** Unknown user codes at `/device`, per address (user-code-guard.ts). */
  userCode: UserCodeGuard;
  /**
   * One account-link request (a reset link, an email-change link) from `ip` about `email`. The
   * address is counted first (Limited: a 429 to the asker's own address); a request its address
   * may make still counts against the email, which caps the mails one mailbox receives whoever
   * asks: past it `send` is false and the caller answers the same without mailing (never a 429
   * an attacker could aim at the mailbox's owner, A14).
   */
  recovery(ip: string, email: string): Promise<SendDecision>;
  isExempt(ip: string): boolean;
}

/** `counters`: the stores' counters (stores.ts), which also decide where they live. */
export function createLimits(deps: { policy: LimitPolicy; counters: LimiterFactory; exempt: readonly string[] }): Limits {
  const make = deps.counters;
  const isExempt = createExemption(deps.exempt);
  const { policy } = deps;

  const take = takePoint;

  const registration = make('registration:address', policy.registrationPerAddress);
  const clientRegistration = make('client-registration:address', policy.registrationPerAddress);
  const recoveryAddress = make('recovery:address', policy.recoveryPerAddress);
  const recoveryEmail = make('recovery:email', policy.recoveryPerEmail);

  return {
    policy,
    password: createAttemptGuard({
      name: 'password', make, perAccount: policy.passwordPerAccount, perAccountAndAddress: policy.passwordPerAccountAndAddress, perAddress: policy.passwordPerAddress, perDevice: policy.passwordPerDevice, isExempt,
    }),
    mfa: createAttemptGuard({ name: 'mfa', make, perAccount: policy.mfaPerAccount, perAccountAndAddress: policy.mfaPerAccountAndAddress, perAddress: policy.mfaPerAddress, perDevice: policy.mfaPerDevice, isExempt }),
    registration: async (ip) => (isExempt(ip) ? undefined : take(registration, limitAddress(ip))),
    clientRegistration: async (ip) => (isExempt(ip) ? undefined : take(clientRegistration, limitAddress(ip))),
    async recovery(ip, email) {
      const limited = isExempt(ip) ? undefined : await take(recoveryAddress, limitAddress(ip));
      return limited ?? { allowed: true, send: (await take(recoveryEmail, email)) === undefined };
    },
    tokenAuth: createTokenAuthGuard({ make, perClientAndAddress: policy.tokenFailuresPerClientAndAddress, perAddress: policy.tokenFailuresPerAddress, isExempt }),
    userCode: createUserCodeGuard({ make, perAddress: policy.deviceCodePerAddress, isExempt }),
    isExempt,
  };
}
