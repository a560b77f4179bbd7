/**
 * The audit event types: one per security-relevant action, each written exactly once by the
 * code that performs the action. `outcome` says whether it succeeded. `detail` carries ids,
 * reasons and counts, never a secret (no password, code, token or seed).
 */
export const AUDIT_EVENT_TYPES = [
  /** Registration through the sign-in pages (which also signs the new account in). */
  'account.registered',
  /** The password step of a sign-in; `detail.mfa_required` says whether a code step follows. */
  'signin',
  /** The second step of a sign-in or step-up: `detail.method` is `totp` or `recovery_code`. */
  'mfa.verify',
  /**
   * A brute-force limit was reached (limits/attempt-guard.ts), once per lockout: `detail.factor`
   * is `password` or `mfa`, `detail.scope` `account` or `account_address`, `detail.seconds` its length.
   */
  'lockout',
  /**
   * A credential or factor changed. On success `detail.sessions_ended` and `detail.grants_revoked`
   * count what the change ended as a side effect (accounts/session-ending.ts): one event for one
   * action, with no `session.revoked` of its own. `mfa.enabled` also says `detail.during`
   * (`account` or `sign-in`), `mfa.disabled` the `detail.method` that proved the factor.
   */
  'password.changed',
  'mfa.enabled',
  'mfa.disabled',
  'mfa.recovery_codes_regenerated',
  /**
   * Account recovery (recovery/): a "Forgot password?" request (`failure` with `detail.reason`
   * `unknown_account` or `disabled` when no mail was sent), a password set through a reset or
   * invitation link (`detail.purpose`, and the sessions and grants it ended), an email change
   * asked for (`detail.link_sent`) and made.
   */
  'password.reset_requested',
  'password.reset',
  'email.change_requested',
  'email.changed',
  /**
   * A session ended on purpose, once per session: `detail.reason` is `sign_out` (the account
   * page), `logout` (RP-initiated logout at /session/end), `account_page` (its sessions list),
   * `admin` or `user_disabled`; `detail.session` its handle.
   */
  'session.revoked',
  /**
   * A person's consent to one client withdrawn ("Connected apps", SECURITY.md A17), with every
   * grant of that client for the account: `detail.reason` is `account_page` or `admin`,
   * `detail.grants_revoked` how many grants went.
   */
  'consent.revoked',
  /**
   * An administrator switched an account off or on, or cleared its brute-force lockout, through
   * the admin API (`detail.actor` is `admin`; the account is the target). Disabling's sessions
   * ended are its own `session.revoked` events (reason `user_disabled`).
   */
  'account.disabled',
  'account.enabled',
  'account.unlocked',
  'client.created',
  'client.updated',
  'client.secret_rotated',
  'client.deleted',
  'key.rotated',
  /** Branding stored with `portcullis branding set` (`detail.fields` names the fields) or forgotten. */
  'branding.updated',
  'branding.reset',
  /**
   * Everything sealed at rest re-encrypted with the newest ENCRYPTION_KEYS key (`keys reseal`):
   * `detail` has per kind (`client_secret`, `signing_key`, `totp_seed`) the counts resealed,
   * already current, unreadable and changed meanwhile; `failure` when any was unreadable.
   */
  'key.resealed',
  /**
   * Email verification (accounts/email-verification.service.ts): a code and link sent
   * (`detail.reason` is `registration`, `resend` or `client_requires`), and the address
   * confirmed (`detail.method` is `code` or `link`). A wrong code is a `failure` of `email.verified`.
   */
  'email.verification_sent',
  'email.verified',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
export type AuditOutcome = 'success' | 'failure';
