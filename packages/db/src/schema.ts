/**
 * Row types of every table, as Kysely sees them. They never leave the repositories: each
 * repository maps rows to the plain records it exports.
 */
import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

type CreatedAt = ColumnType<Date, Date | undefined, never>;
type UpdatedAt = ColumnType<Date, Date | undefined, Date>;

export interface AccountsTable {
  id: string;
  email: string;
  /** Null until the person sets one through a set-password link (an account an admin created). */
  password_hash: string | null;
  name: string | null;
  email_verified: Generated<boolean>;
  disabled_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ClientsTable {
  client_id: string;
  name: string;
  first_party: boolean;
  /** Client metadata as node-oidc-provider expects it, without the secret. */
  metadata: ColumnType<Record<string, unknown>, string, string>;
  /** AES-256-GCM ciphertext of client_secret; null for public clients. */
  secret_ciphertext: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** AES-256-GCM ciphertext of the private JWK. */
  private_jwk_ciphertext: string;
  status: 'active' | 'retired';
  created_at: CreatedAt;
  retired_at: Date | null;
  /** When a retired key may leave the JWKS: every token it signed has expired by then. */
  publish_until: Date | null;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  payload: ColumnType<Record<string, unknown>, string, string>;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  expires_at: Date | null;
  consumed_at: Date | null;
}

export interface ConsentsTable {
  account_id: string;
  client_id: string;
  /** Space-separated scopes the account granted to the client. */
  scope: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface AccountTotpTable {
  account_id: string;
  /** AES-256-GCM ciphertext of the base32 TOTP seed, bound to the account id. */
  secret_ciphertext: string;
  /** The last RFC 6238 time step accepted; a code for this step or an earlier one is refused. */
  last_step: Generated<number>;
  /** Null while the enrolment waits for its first code. */
  enabled_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface RecoveryCodesTable {
  account_id: string;
  /** SHA-256 of the account id and the normalised code (hex). */
  code_hash: string;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface AuditEventsTable {
  id: string;
  time: ColumnType<Date, Date | undefined, never>;
  type: string;
  account_id: string | null;
  client_id: string | null;
  ip: string | null;
  user_agent: string | null;
  outcome: 'success' | 'failure';
  detail: ColumnType<Record<string, unknown>, string, never>;
}

/** Run-time settings (branding), one JSON document per key. */
export interface SettingsTable {
  key: string;
  value: ColumnType<Record<string, unknown>, string, string>;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Resource servers (APIs) access tokens are issued for (RFC 8707). */
export interface ResourcesTable {
  identifier: string;
  name: string;
  scopes: string[];
  access_token_format: string;
  /** Seconds. */
  access_token_ttl: number;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** Initial access tokens for dynamic client registration: a hash of each, never the token. */
export interface RegistrationTokensTable {
  id: string;
  token_hash: string;
  expires_at: Date | null;
  max_uses: number | null;
  uses: Generated<number>;
  revoked_at: Date | null;
  created_at: CreatedAt;
}

/** Single-use account links (reset, invite, email change): the token's hash only. */
export interface AccountLinksTable {
  token_hash: string;
  account_id: string;
  purpose: 'reset' | 'invite' | 'email-change';
  account_stamp: string;
  new_email: string | null;
  continue_path: string | null;
  created_at: CreatedAt;
  expires_at: Date;
  used_at: Date | null;
}

/** Messages waiting for, or done with, delivery (packages/server/src/mail/). */
export interface MailOutboxTable {
  id: string;
  recipient: string;
  template: string;
  locale: string;
  /** The template's parameters; emptied once the message is final (they may hold a link). */
  params: ColumnType<Record<string, unknown>, string, string>;
  /** The parameters sealed with ENCRYPTION_KEY(S) (AAD `mail:<id>`), null once final. */
  params_sealed: string | null;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: ColumnType<Date, Date | undefined, Date>;
  last_error: string | null;
  created_at: CreatedAt;
  sent_at: Date | null;
}

/** Passkeys (WebAuthn credentials); migration 2026-12-03T1520. */
export interface AccountPasskeysTable {
  /** The credential id, base64url. */
  id: string;
  account_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  /** The authenticator's signature counter (uint32; pg returns bigint as a string). */
  counter: ColumnType<string | number, number | undefined, number>;
  transports: ColumnType<string[], string | undefined, string>;
  name: string;
  aaguid: string;
  /** The challenge of the last accepted assertion: the same one is never accepted twice. */
  last_challenge: string | null;
  created_at: CreatedAt;
  last_used_at: Date | null;
}

/** Email verification codes and link tokens, as SHA-256 digests (packages/server/src/accounts). */
export interface EmailVerificationsTable {
  id: string;
  account_id: string;
  email: string;
  code_hash: string;
  token_hash: string;
  /** Guesses at the code so far (each reserved before it is checked); at the maximum the code is void. */
  code_guesses: Generated<number>;
  expires_at: Date;
  used_at: Date | null;
  created_at: CreatedAt;
}

export interface DB {
  accounts: AccountsTable;
  clients: ClientsTable;
  signing_keys: SigningKeysTable;
  oidc_payloads: OidcPayloadsTable;
  consents: ConsentsTable;
  account_totp: AccountTotpTable;
  recovery_codes: RecoveryCodesTable;
  audit_events: AuditEventsTable;
  settings: SettingsTable;
  resources: ResourcesTable;
  registration_tokens: RegistrationTokensTable;
  mail_outbox: MailOutboxTable;
  account_passkeys: AccountPasskeysTable;
  email_verifications: EmailVerificationsTable;
  account_links: AccountLinksTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type NewAccountRow = Insertable<AccountsTable>;
export type ClientRow = Selectable<ClientsTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type OidcPayloadRow = Selectable<OidcPayloadsTable>;
export type AuditEventRow = Selectable<AuditEventsTable>;
export type ConsentRow = Selectable<ConsentsTable>;
export type ResourceRow = Selectable<ResourcesTable>;
