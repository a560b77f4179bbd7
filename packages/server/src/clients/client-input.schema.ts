/**
 * The one validation path for client registration and updates (admin API, and so the CLI).
 * zod parses the JSON body; the rules that need the whole object run in superRefine.
 */
import { z } from 'zod';
import { redirectUriProblem } from './redirect-uri.js';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
/** RS256 is the default (OIDC Discovery requires it); ES256 and EdDSA are per-client choices. */
export const ID_TOKEN_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;

const redirectUri = z
  .string()
  .max(2000)
  .superRefine((value, ctx) => {
    const problem = redirectUriProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `"${value}" ${problem}` });
  });

const scope = z
  .string()
  .max(1000)
  .transform((value) => [...new Set(value.split(/\s+/).filter(Boolean))])
  .superRefine((scopes, ctx) => {
    for (const s of scopes) {
      if (!(SUPPORTED_SCOPES as readonly string[]).includes(s)) ctx.addIssue({ code: 'custom', message: `unknown scope "${s}"` });
    }
  })
  .transform((scopes) => scopes.join(' '));

const fields = {
  client_name: z.string().trim().min(1, 'client_name is required').max(200),
  redirect_uris: z.array(redirectUri).max(50),
  post_logout_redirect_uris: z.array(redirectUri).max(50),
  first_party: z.boolean(),
  grant_types: z.array(z.enum(GRANT_TYPES, { error: (i) => `unknown grant type "${String(i.input)}"` })).min(1).max(3),
  scope,
  token_endpoint_auth_method: z.enum(AUTH_METHODS, { error: (i) => `unknown auth method "${String(i.input)}"` }),
  id_token_signed_response_alg: z.enum(ID_TOKEN_ALGS, { error: (i) => `unknown ID token algorithm "${String(i.input)}" (use RS256, ES256 or EdDSA)` }),
  // OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed; the same rules
  // as a redirect URI (https, or http on a loopback host). null removes it on an update.
  backchannel_logout_uri: redirectUri.nullable(),
  backchannel_logout_session_required: z.boolean(),
  // RFC 7662 §4: may introspect tokens issued to other clients (oidc/client-flags.ts).
  resource_server: z.boolean(),
};

export const createClientSchema = z
  .strictObject({
    ...fields,
    public: z.boolean().default(false),
    redirect_uris: fields.redirect_uris.default([]),
    post_logout_redirect_uris: fields.post_logout_redirect_uris.default([]),
    first_party: fields.first_party.default(false),
    grant_types: fields.grant_types.default(['authorization_code', 'refresh_token']),
    scope: fields.scope.optional(),
    token_endpoint_auth_method: fields.token_endpoint_auth_method.optional(),
    id_token_signed_response_alg: fields.id_token_signed_response_alg.default('RS256'),
    backchannel_logout_uri: fields.backchannel_logout_uri.default(null),
    // `sid` in every logout token unless asked otherwise: an RP with several sessions of one
    // person needs it to end the right one.
    backchannel_logout_session_required: fields.backchannel_logout_session_required.default(true),
    resource_server: fields.resource_server.default(false),
  })
  .transform((input) => ({
    ...input,
    grant_types: [...new Set(input.grant_types)],
    token_endpoint_auth_method: input.token_endpoint_auth_method ?? (input.public ? 'none' : 'client_secret_basic'),
    scope: input.scope ?? SUPPORTED_SCOPES.join(' '),
  }))
  .superRefine((input, ctx) => {
    for (const message of clientProblems(input)) ctx.addIssue({ code: 'custom', message });
  });

export const updateClientSchema = z.strictObject({
  client_name: fields.client_name.optional(),
  redirect_uris: fields.redirect_uris.optional(),
  post_logout_redirect_uris: fields.post_logout_redirect_uris.optional(),
  first_party: fields.first_party.optional(),
  grant_types: fields.grant_types.optional(),
  scope: fields.scope.optional(),
  token_endpoint_auth_method: fields.token_endpoint_auth_method.optional(),
  id_token_signed_response_alg: fields.id_token_signed_response_alg.optional(),
  backchannel_logout_uri: fields.backchannel_logout_uri.optional(),
  backchannel_logout_session_required: fields.backchannel_logout_session_required.optional(),
  resource_server: fields.resource_server.optional(),
});

export type CreateClientInput = z.output<typeof createClientSchema>;
export type UpdateClientInput = z.output<typeof updateClientSchema>;

export interface ClientShape {
  public: boolean;
  grant_types: string[];
  redirect_uris: string[];
  token_endpoint_auth_method: string;
  resource_server?: boolean;
}

/** Rules across fields; also run on the merged result of an update. */
export function clientProblems(input: ClientShape): string[] {
  const problems: string[] = [];
  const add = (message: string) => problems.push(message);
  if (input.grant_types.includes('authorization_code') && input.redirect_uris.length === 0) {
    add('at least one redirect URI is required for the authorization_code grant');
  }
  if (input.grant_types.includes('refresh_token') && !input.grant_types.includes('authorization_code')) {
    add('the refresh_token grant needs the authorization_code grant');
  }
  if (input.public && input.token_endpoint_auth_method !== 'none') add('a public client must use the auth method "none"');
  if (!input.public && input.token_endpoint_auth_method === 'none') add('the auth method "none" is only for public clients (--public)');
  if (input.public && input.grant_types.includes('client_credentials')) add('a public client cannot use the client_credentials grant');
  if (input.public && input.resource_server) add('a public client cannot be a resource server: introspection needs a client secret');
  if (input.token_endpoint_auth_method === 'private_key_jwt') add('private_key_jwt needs a registered JWKS, which is not supported yet');
  return problems;
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.filter((p) => typeof p === 'string').join('.');
      return where && !issue.message.startsWith('"') ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
