/**
 * The one validation path for client registration and updates (admin API, and so the CLI).
 * The body's fields and the rules across them come from @portcullis/contract, which the CLI
 * applies too; here the server fills in its defaults and words the rules for an API caller.
 */
import type { z } from 'zod';
import {
  clientCreateInputSchema,
  clientProblems,
  clientUpdateInputSchema,
  defaultAuthMethod,
  DEFAULT_GRANT_TYPES,
  DEFAULT_ID_TOKEN_ALG,
  SUPPORTED_SCOPES,
  type ClientProblem,
  type ClientShape,
} from '@portcullis/contract';

/** The rules across fields, in an API caller's words. */
const PROBLEM_TEXT: Record<ClientProblem, string> = {
  redirect_uri_required: 'at least one redirect URI is required for the authorization_code grant',
  refresh_needs_code: 'the refresh_token grant needs the authorization_code or the device code grant',
  public_needs_none: 'a public client must use the auth method "none"',
  none_needs_public: 'the auth method "none" is only for public clients (--public)',
  public_client_credentials: 'a public client cannot use the client_credentials grant',
  public_resource_server: 'a public client cannot be a resource server: introspection needs a client secret',
  private_scheme_needs_public: 'a private-use scheme redirect URI (a native app) is only for public clients',
  native_https_loopback: 'a native app (private-use scheme redirect) uses http, not https, on a loopback host (RFC 8252 §7.3)',
  native_first_party: 'a native app (private-use scheme redirect) cannot be first-party: any app on a device can claim its scheme, so consent is never skipped for it (RFC 8252 §8.6)',
  key_jwt_needs_keys: 'the auth method "private_key_jwt" needs the client\'s public keys: jwks or jwks_uri',
  keys_need_key_jwt: 'jwks and jwks_uri are only for the auth method "private_key_jwt"',
  jwks_and_jwks_uri: 'send jwks or jwks_uri, not both',
};

export const createClientSchema = clientCreateInputSchema
  .transform((input) => {
    const isPublic = input.public ?? false;
    return {
      ...input,
      public: isPublic,
      redirect_uris: input.redirect_uris ?? [],
      post_logout_redirect_uris: input.post_logout_redirect_uris ?? [],
      first_party: input.first_party ?? false,
      grant_types: [...new Set(input.grant_types ?? DEFAULT_GRANT_TYPES)],
      // Every OpenID Connect scope unless the client is limited to fewer, or given API scopes.
      scope: input.scope ?? SUPPORTED_SCOPES.join(' '),
      token_endpoint_auth_method: input.token_endpoint_auth_method ?? defaultAuthMethod(isPublic),
      id_token_signed_response_alg: input.id_token_signed_response_alg ?? DEFAULT_ID_TOKEN_ALG,
      backchannel_logout_uri: input.backchannel_logout_uri ?? null,
      // `sid` in every logout token unless asked otherwise: an RP with several sessions of one
      // person needs it to end the right one.
      backchannel_logout_session_required: input.backchannel_logout_session_required ?? true,
      resource_server: input.resource_server ?? false,
      require_verified_email: input.require_verified_email ?? false,
      logo_uri: input.logo_uri ?? null,
      client_uri: input.client_uri ?? null,
      policy_uri: input.policy_uri ?? null,
      tos_uri: input.tos_uri ?? null,
      require_pushed_authorization_requests: input.require_pushed_authorization_requests ?? false,
      dpop_bound_access_tokens: input.dpop_bound_access_tokens ?? false,
      jwks: input.jwks ?? null,
      jwks_uri: input.jwks_uri ?? null,
    };
  })
  .superRefine((input, ctx) => {
    for (const message of clientProblemTexts(input)) ctx.addIssue({ code: 'custom', message });
  });

export const updateClientSchema = clientUpdateInputSchema;

export type CreateClientInput = z.output<typeof createClientSchema>;
export type UpdateClientInput = z.output<typeof updateClientSchema>;

/** Rules across fields; also run on the merged result of an update. */
export function clientProblemTexts(input: ClientShape): string[] {
  return clientProblems(input).map((problem) => PROBLEM_TEXT[problem]);
}

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.filter((p) => typeof p === 'string').join('.');
      return where && !issue.message.startsWith('"') ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
