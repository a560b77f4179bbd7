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
  /**
   * A device code and its user code (RFC 8628 §3.2 `expires_in`): 10 minutes to walk to another
   * screen, type the code and sign in, the library's default kept on purpose. It also bounds
   * the guessing window: a user code is only worth guessing while it lives (docs/security.md).
   */
  deviceCode: 10 * 60,
  /** Time a person has to finish signing in once the login page is shown. */
  interaction: 10 * 60,
  /**
   * A session ends 12 h after the sign-in that started it, however busy it is (NIST SP 800-63B
   * §7.2, AAL2: re-authenticate at least every 12 hours)…
   */
  sessionAbsolute: 12 * 60 * 60,
  /**
   * …and sooner after 2 h without an authorization request. The session is only used when an
   * application sends someone to sign in, so 2 h keeps single sign-on working across a working
   * morning while a forgotten browser stops signing people in soon after.
   */
  sessionIdle: 2 * 60 * 60,
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

/**
 * Session lifetime, computed at every save of the session (the provider saves it again on each
 * request that uses it, and `ttl.Session` decides how long from now it lives): the idle limit,
 * capped by what remains of the absolute limit since sign-in (`loginTs`, epoch seconds). A
 * session nobody has signed in to yet gets the idle limit. Once the absolute limit has passed,
 * the stored session has expired and the next request signs in again (SECURITY.md A8).
 */
export function sessionTtl(loginTs: number | undefined, now: number): number {
  if (loginTs === undefined) return LIFETIMES.sessionIdle;
  const remainingAbsolute = loginTs + LIFETIMES.sessionAbsolute - now;
  // A ttl of 0 would mean "never expires" to the provider; 1 s keeps an ended session ended.
  return Math.max(1, Math.min(LIFETIMES.sessionIdle, remainingAbsolute));
}

/** Refresh-token lifetime: the idle limit, capped by what remains of the absolute limit. */
export function refreshTokenTtl(initialIssuedAt: number | undefined, now: number): number {
  const start = initialIssuedAt ?? now;
  const remainingAbsolute = start + LIFETIMES.refreshTokenAbsolute - now;
  // A ttl of 0 would mean "never expires" to the provider; 1 s keeps a dead chain dead.
  return Math.max(1, Math.min(LIFETIMES.refreshTokenIdle, remainingAbsolute));
}
