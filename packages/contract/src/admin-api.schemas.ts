/**
 * The admin API's bodies, as zod schemas with their inferred types. The server's view functions
 * return these types (clients/client.service.ts, admin/users.routes.ts, audit/audit.routes.ts,
 * keys/signing-keys.service.ts); the CLI parses every answer with these schemas where it enters.
 * - Loose objects: a field the server adds later passes through a CLI's `--json` output untouched.
 * - Timestamps are ISO 8601 strings; "not yet"/"none" is `null`, never a missing key, except for
 *   `client_secret`, which is present only in the one answer that shows it.
 */
import { z } from 'zod';

/** A view's type: its fields, without the index signature a loose object's output carries. */
type View<S extends z.ZodRawShape> = z.output<z.ZodObject<S>>;

/** Every error answer: a dotted code (`client.not_found`) and a sentence for a person. */
const apiErrorShape = { error: z.string(), message: z.string().min(1) };
export const apiErrorSchema = z.looseObject(apiErrorShape);
export type ApiError = View<typeof apiErrorShape>;

const clientViewShape = {
  client_id: z.string(),
  client_name: z.string(),
  /** Present once: in the answer to create (confidential clients) and to rotate-secret. */
  client_secret: z.string().optional(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  id_token_signed_response_alg: z.string(),
  scope: z.string(),
  first_party: z.boolean(),
  /** One of the server's own clients (the account page's, the demo's): read-only to the admin API. */
  built_in: z.boolean(),
  /** May introspect other clients' access tokens (RFC 7662 §4; server: oidc/client-flags.ts). */
  resource_server: z.boolean(),
  /** Sign-ins wait until the account's email address is verified (server: oidc/client-flags.ts). */
  require_verified_email: z.boolean(),
  backchannel_logout_uri: z.string().nullable(),
  backchannel_logout_session_required: z.boolean(),
  /** Shown on the consent page (OpenID Connect Dynamic Client Registration 1.0 §2). */
  logo_uri: z.string().nullable(),
  client_uri: z.string().nullable(),
  policy_uri: z.string().nullable(),
  tos_uri: z.string().nullable(),
  /**
   * How a client registered itself at the registration endpoint (RFC 7591): `token` with an
   * initial access token, `open-native` without one; null for a client made by the admin API.
   */
  dynamic_registration: z.string().nullable(),
  /** RFC 9126 §6 and RFC 9449 §5.2 (server: oidc/par.ts, oidc/dpop.ts). */
  require_pushed_authorization_requests: z.boolean(),
  dpop_bound_access_tokens: z.boolean(),
  /** private_key_jwt's public keys, inline or by URL (client-keys.ts); null when none. */
  jwks: z.looseObject({ keys: z.array(z.looseObject({})) }).nullable(),
  jwks_uri: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
};
export const clientViewSchema = z.looseObject(clientViewShape);
export type ClientView = View<typeof clientViewShape>;
export const clientListSchema = z.looseObject({ clients: z.array(clientViewSchema) });

const userViewShape = {
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  email_verified: z.boolean(),
  disabled: z.boolean(),
  created_at: z.string(),
};
export const userViewSchema = z.looseObject(userViewShape);
export type UserView = View<typeof userViewShape>;

/** One user with what an administrator looks up about them (`GET /admin/users/:idOrEmail`). */
const userDetailViewShape = {
  ...userViewShape,
  /** The authenticator app (TOTP) on or off, how many unused recovery codes are left, and how many passkeys sign in. */
  mfa: z.looseObject({ totp: z.boolean(), recovery_codes_left: z.number(), passkeys: z.number() }),
  /** The last successful password step of a sign-in, from the audit log; null when none is kept. */
  last_sign_in_at: z.string().nullable(),
  /** Until when failed guesses lock the account out (everywhere or from an address that failed); null when they do not. */
  lockout: z.looseObject({ password_until: z.string().nullable(), code_until: z.string().nullable() }),
};
export const userDetailViewSchema = z.looseObject(userDetailViewShape);
export type UserDetailView = View<typeof userDetailViewShape>;
export const userListSchema = z.looseObject({ users: z.array(userViewSchema) });

/** A live session of a user; never its id, which is a browser's cookie. */
const sessionViewShape = {
  handle: z.string(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  last_ip: z.string().nullable(),
  signed_in_at: z.string().nullable(),
  last_seen_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  clients: z.array(z.string()),
};
export const sessionViewSchema = z.looseObject(sessionViewShape);
export type SessionView = View<typeof sessionViewShape>;
export const sessionListSchema = z.looseObject({ sessions: z.array(sessionViewSchema) });
const revokedSessionsShape = { sessions_ended: z.number(), grants_revoked: z.number() };
export const revokedSessionsSchema = z.looseObject(revokedSessionsShape);
export type RevokedSessions = View<typeof revokedSessionsShape>;

/** One application a user allowed ("Connected apps"). */
const consentViewShape = {
  client_id: z.string(),
  client_name: z.string(),
  scopes: z.array(z.string()),
  since: z.string(),
  updated_at: z.string(),
};
export const consentViewSchema = z.looseObject(consentViewShape);
export type ConsentView = View<typeof consentViewShape>;
export const consentListSchema = z.looseObject({ consents: z.array(consentViewSchema) });
const revokedConsentShape = { consent_revoked: z.boolean(), grants_revoked: z.number() };
export const revokedConsentSchema = z.looseObject(revokedConsentShape);
export type RevokedConsent = View<typeof revokedConsentShape>;

const signingKeyViewShape = {
  kid: z.string(),
  alg: z.string(),
  status: z.enum(['active', 'retired']),
  created_at: z.string(),
  /** Both null while the key is active. */
  retired_at: z.string().nullable(),
  publish_until: z.string().nullable(),
};
export const signingKeyViewSchema = z.looseObject(signingKeyViewShape);
export type SigningKeyView = View<typeof signingKeyViewShape>;
export const signingKeyListSchema = z.looseObject({ keys: z.array(signingKeyViewSchema) });

/** What `POST /admin/keys/reseal` did to each kind of sealed value (keys/reseal.service.ts). */
const resealCountsSchema = z.looseObject({ resealed: z.number(), current: z.number(), unreadable: z.number(), changed_meanwhile: z.number() });
const resealReportShape = { client_secret: resealCountsSchema, signing_key: resealCountsSchema, totp_seed: resealCountsSchema, mail_params: resealCountsSchema };
export const resealReportSchema = z.looseObject(resealReportShape);
export type ResealReport = View<typeof resealReportShape>;

const migrateResultShape = {
  applied: z.array(z.string()),
  migrations: z.array(z.looseObject({ name: z.string(), executed_at: z.string().nullable() })),
};
export const migrateResultSchema = z.looseObject(migrateResultShape);
export type MigrateResult = View<typeof migrateResultShape>;

const auditEventViewShape = {
  id: z.string(),
  time: z.string(),
  type: z.string(),
  outcome: z.enum(['success', 'failure']),
  account_id: z.string().nullable(),
  /** The account's email, or the one a failed sign-in named when no account had it. */
  email: z.string().nullable(),
  client_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
};
export const auditEventViewSchema = z.looseObject(auditEventViewShape);
export type AuditEventView = View<typeof auditEventViewShape>;
export const auditListSchema = z.looseObject({ events: z.array(auditEventViewSchema) });
