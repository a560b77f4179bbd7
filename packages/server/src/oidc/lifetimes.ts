/**
 * Token and session lifetimes, in seconds. Chosen short on purpose (RFC 9700 §2.2, §4.14;
 * OWASP ASVS V7): every value here is documented in docs/configuration.md.
 */
export const LIFETIMES = {
  /** RFC 9700 §4.2.1 / SECURITY.md R5: codes live at most 60 s. */
  authorizationCode: 60,
  /** Opaque, revocable, and short: clients refresh instead of holding a long-lived token. */
  accessToken: 15 * 60,
  clientCredentials: 15 * 60,
  idToken: 60 * 60,
  /** Time a person has to finish signing in once the login page is shown. */
  interaction: 10 * 60,
  /** Server-side session; far below the library's 14-day default. */
  session: 12 * 60 * 60,
  /** A refresh token dies after 14 days unused… */
  refreshTokenIdle: 14 * 24 * 60 * 60,
  /** …and 30 days after the sign-in that started its chain, however often it rotates. */
  refreshTokenAbsolute: 30 * 24 * 60 * 60,
  /** Grants back refresh tokens, so they outlive the longest refresh-token chain. */
  grant: 30 * 24 * 60 * 60,
  /** Clock tolerance applied to JWTs the server receives. */
  clockTolerance: 15,
} as const;

/** A retired signing key stays published until every ID token it signed has expired. */
export const RETIRED_KEY_PUBLISH_SECONDS = LIFETIMES.idToken + 5 * 60;

/** Refresh-token lifetime: the idle limit, capped by what remains of the absolute limit. */
export function refreshTokenTtl(initialIssuedAt: number | undefined, now: number): number {
  const start = initialIssuedAt ?? now;
  const remainingAbsolute = start + LIFETIMES.refreshTokenAbsolute - now;
  // A ttl of 0 would mean "never expires" to the provider; 1 s keeps a dead chain dead.
  return Math.max(1, Math.min(LIFETIMES.refreshTokenIdle, remainingAbsolute));
}
