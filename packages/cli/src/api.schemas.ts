/**
 * The admin API's response bodies, parsed with zod where they enter the CLI.
 * - Loose objects: a field the server adds later passes through to `--json` output untouched.
 * - Timestamps and optional text are `nullish` where the contract leaves "not yet"/"none" open
 *   (a key that is still active has no `retired_at`; a user may have no name).
 */
import { z } from 'zod';

export const apiErrorSchema = z.looseObject({ error: z.string(), message: z.string().min(1) });

export const clientSchema = z.looseObject({
  client_id: z.string(),
  client_name: z.string(),
  /** Present once: in the answer to create (confidential clients) and to rotate-secret. */
  client_secret: z.string().optional(),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  grant_types: z.array(z.string()),
  response_types: z.array(z.string()),
  token_endpoint_auth_method: z.string(),
  id_token_signed_response_alg: z.string().optional(),
  scope: z.string().nullish(),
  first_party: z.boolean(),
  /** May introspect other clients' access tokens; absent from servers older than the flag. */
  resource_server: z.boolean().optional(),
  backchannel_logout_uri: z.string().nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Client = z.output<typeof clientSchema>;
export const clientListSchema = z.looseObject({ clients: z.array(clientSchema) });

export const userSchema = z.looseObject({
  id: z.string(),
  email: z.string(),
  name: z.string().nullish(),
  email_verified: z.boolean(),
  disabled: z.boolean(),
  created_at: z.string(),
});
export type User = z.output<typeof userSchema>;
export const userListSchema = z.looseObject({ users: z.array(userSchema) });

export const sessionSchema = z.looseObject({
  handle: z.string(),
  user_agent: z.string().nullable(),
  ip: z.string().nullable(),
  last_ip: z.string().nullable(),
  signed_in_at: z.string().nullable(),
  last_seen_at: z.string().nullable(),
  expires_at: z.string().nullable(),
  clients: z.array(z.string()),
});
export type Session = z.output<typeof sessionSchema>;
export const sessionListSchema = z.looseObject({ sessions: z.array(sessionSchema) });
export const revokedSessionsSchema = z.looseObject({ sessions_ended: z.number(), grants_revoked: z.number() });

/** One application a user allowed ("Connected apps"). */
export const consentSchema = z.looseObject({
  client_id: z.string(),
  client_name: z.string(),
  scopes: z.array(z.string()),
  since: z.string(),
  updated_at: z.string().nullish(),
});
export type Consent = z.output<typeof consentSchema>;
export const consentListSchema = z.looseObject({ consents: z.array(consentSchema) });
export const revokedConsentSchema = z.looseObject({ consent_revoked: z.boolean(), grants_revoked: z.number() });

export const signingKeySchema = z.looseObject({
  kid: z.string(),
  alg: z.string(),
  status: z.enum(['active', 'retired']),
  created_at: z.string(),
  retired_at: z.string().nullish(),
  publish_until: z.string().nullish(),
});
export type SigningKey = z.output<typeof signingKeySchema>;
export const signingKeyListSchema = z.looseObject({ keys: z.array(signingKeySchema) });

export const migrateResultSchema = z.looseObject({
  applied: z.array(z.string()),
  migrations: z.array(z.looseObject({ name: z.string(), executed_at: z.string().nullable() })),
});
export type MigrateResult = z.output<typeof migrateResultSchema>;

export const auditEventSchema = z.looseObject({
  id: z.string(),
  time: z.string(),
  type: z.string(),
  outcome: z.enum(['success', 'failure']),
  account_id: z.string().nullish(),
  email: z.string().nullish(),
  client_id: z.string().nullish(),
  ip: z.string().nullish(),
  user_agent: z.string().nullish(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.output<typeof auditEventSchema>;
export const auditListSchema = z.looseObject({ events: z.array(auditEventSchema) });
