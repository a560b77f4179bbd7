/**
 * How many attempts each limit allows (SECURITY.md A1, A13). Durations are in seconds.
 * - A tier without `blockSeconds` lapses when its window ends: a counter that an attacker can
 *   fill never locks anyone out for longer than the window (the per-account limits).
 * - A tier with `blockSeconds` blocks its key that long once it is exceeded. Only keys that
 *   carry the client's address get a block, so a block lands on the attacker's address.
 * - Two tiers on one key make a limit progressive: a short block after a few failures, a long
 *   one after many.
 */
export interface Tier {
  points: number;
  durationSeconds: number;
  blockSeconds?: number;
}

export interface LimitPolicy {
  /** A1: failed passwords per account (normalised email, known or not) per hour; at most 100. */
  passwordPerAccount: Tier;
  passwordPerAccountAndAddress: Tier[];
  passwordPerAddress: Tier;
  /** Wrong TOTP or recovery codes, across sign-in attempts (five per attempt is MAX_CODE_FAILURES). */
  mfaPerAccount: Tier;
  mfaPerAccountAndAddress: Tier[];
  mfaPerAddress: Tier;
  registrationPerAddress: Tier;
  /** POST /token per client (Basic auth username), or per address without Basic auth. */
  tokenPerClient: Tier;
  /** Every request to the public listener, per instance: a ceiling on the work one instance takes. */
  globalPerInstance: Tier;
}

export const MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR = 100;

export const DEFAULT_LIMIT_POLICY: LimitPolicy = {
  passwordPerAccount: { points: MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR, durationSeconds: 3600 },
  passwordPerAccountAndAddress: [
    { points: 5, durationSeconds: 15 * 60, blockSeconds: 60 },
    { points: 20, durationSeconds: 3600, blockSeconds: 3600 },
  ],
  passwordPerAddress: { points: 50, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
  mfaPerAccount: { points: 30, durationSeconds: 3600 },
  mfaPerAccountAndAddress: [
    { points: 5, durationSeconds: 15 * 60, blockSeconds: 60 },
    { points: 15, durationSeconds: 3600, blockSeconds: 3600 },
  ],
  mfaPerAddress: { points: 30, durationSeconds: 15 * 60, blockSeconds: 15 * 60 },
  registrationPerAddress: { points: 10, durationSeconds: 3600 },
  tokenPerClient: { points: 300, durationSeconds: 60 },
  globalPerInstance: { points: 1000, durationSeconds: 1 },
};

/** The defaults with some limits replaced (tests use short windows and small counts). */
export function limitPolicy(overrides: Partial<LimitPolicy> = {}): LimitPolicy {
  const policy = { ...DEFAULT_LIMIT_POLICY, ...overrides };
  if (policy.passwordPerAccount.points > MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR || policy.passwordPerAccount.durationSeconds < 1) {
    throw new Error(`passwordPerAccount allows at most ${MAX_FAILED_PASSWORDS_PER_ACCOUNT_HOUR} failures per window (SECURITY.md A1)`);
  }
  return policy;
}
