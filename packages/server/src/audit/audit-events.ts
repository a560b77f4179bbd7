/**
 * The audit event types: one per security-relevant action, each written exactly once by the
 * code that performs the action. `outcome` says whether it succeeded. `detail` carries ids,
 * reasons and counts, never a secret (no password, code, token or seed).
 */
export const AUDIT_EVENT_TYPES = [
  /** Registration through the sign-in pages (which also signs the new account in). */
  'account.registered',
  /**
   * The password step of a sign-in; `detail.mfa_required` says whether a code step follows. A
   * sign-in with a passkey alone says `detail.method: "passkey"`.
   */
  'signin',
  /** The second step of a sign-in or step-up: `detail.method` is `totp`, `recovery_code` or `passkey`. */
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
   * A passkey added or removed on the account page (`detail.passkey` is its credential id). Adding
   * the account's first second factor (`detail.first_factor`), and any removal, end the other
   * sessions and revoke the grants, counted as above; a failure says `detail.reason`.
   */
  'passkey.added',
  'passkey.removed',
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
  /**
   * The account lifecycle an administrator runs (accounts/account-lifecycle.service.ts; actor
   * `admin`, the account is the target): created without a password (`detail.invited` says
   * whether a set-password link was mailed), a set-password link (`account.invited`) or a reset
   * link (`account.password_reset_sent`) mailed, the second factor removed (`account.mfa_reset`:
   * `detail.totp_removed`, `detail.passkeys_removed`, `detail.sessions_ended`,
   * `detail.grants_revoked`), the email marked verified, everything stored exported, the account
   * deleted (`account.deleted`: the id only, never the email, with the counts of what ended).
   */
  'account.created',
  'account.invited',
  'account.password_reset_sent',
  'account.mfa_reset',
  'account.email_verified',
  'account.exported',
  'account.deleted',
  'client.created',
  'client.updated',
  'client.secret_rotated',
  'client.deleted',
  /**
   * Dynamic client registration (RFC 7591/7592, oidc/registration.ts): a client registered,
   * changed or deleted itself at the registration endpoint; `detail.via` is `token` (with
   * `detail.token_id`, the initial access token's id) or `open-native`.
   */
  'client.registered',
  'client.registration_updated',
  'client.registration_deleted',
  /** An initial access token created (`detail.id`, `expires_at`, `max_uses`) or revoked (`detail.id`). */
  'registration_token.created',
  'registration_token.revoked',
  'key.rotated',
  /** A resource server (RFC 8707) registered, changed or removed; `detail.identifier` names it. */
  'resource.created',
  'resource.updated',
  'resource.deleted',
  /**
   * A refresh token presented again within REFRESH_REUSE_WINDOW by the client that used it got
   * the same answer instead of revoking the grant (oidc/refresh-replay.ts): `detail.window_seconds`.
   */
  'token.refresh_replayed',
  /** Branding stored with `portcullis branding set` (`detail.fields` names the fields) or forgotten. */
  'branding.updated',
  'branding.reset',
  /**
   * Everything sealed at rest re-encrypted with the newest ENCRYPTION_KEYS key (`keys reseal`):
   * `detail` has per kind (`client_secret`, `signing_key`, `totp_seed`, `mail_params`) the counts resealed,
   * already current, unreadable and changed meanwhile; `failure` when any was unreadable.
   */
  'key.resealed',
  /**
   * Email verification (accounts/email-verification.service.ts): a code and link sent
   * (`detail.reason` is `registration`, `resend`, `client_requires` or
   * `unverified_sign_in`: a password sign-in to an unverified address), and the address
   * confirmed (`detail.method` is `code` or `link`). A wrong code is a `failure` of `email.verified`.
   */
  'email.verification_sent',
  'email.verified',
] as const;

export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];
export type AuditOutcome = 'success' | 'failure';
