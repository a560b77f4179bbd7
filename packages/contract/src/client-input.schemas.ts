/**
 * The bodies of `POST /admin/clients` and `PATCH /admin/clients/:id`, field by field, with the
 * API's wording for a bad field. The server parses with these and then fills in its defaults and
 * applies the rules across fields (clients/client-input.schema.ts); the CLI types what it sends
 * with `ClientCreateInput` / `ClientUpdateInput`.
 * - Strict objects: an unknown field is refused, not ignored, so a typo cannot pass silently.
 * - Lists are deduplicated and scope text normalised by the server, not here: the body is what
 *   was sent.
 */
import { z } from 'zod';
import { httpsUrl, imageUrl } from './public-links.js';
import { clientJwksSchema, jwksUriProblem } from './client-keys.js';
import { displayNameProblem } from './display-name.js';
import { AUTH_METHODS, endpointUriProblem, GRANT_TYPES, ID_TOKEN_ALGS, MAX_CLIENT_SCOPES, redirectUriProblem, scopeProblem, scopeTokens } from './client-rules.js';

/** A closed set in a sentence: "RS256, ES256 or EdDSA". */
const inWords = (values: readonly string[]) => (values.length < 2 ? values.join('') : `${values.slice(0, -1).join(', ')} or ${values.at(-1)}`);

const uri = (problemOf: (value: string) => string | undefined) =>
  z
    .string()
    .max(2000)
    .superRefine((value, ctx) => {
      const problem = problemOf(value);
      if (problem) ctx.addIssue({ code: 'custom', message: `"${value}": ${problem}` });
    });
const redirectUri = uri(redirectUriProblem);

/**
 * Normalised to single spaces, duplicates dropped, order kept. The OpenID Connect scopes and any
 * API scope (a valid scope-token, client-rules.ts); at least one, at most MAX_CLIENT_SCOPES.
 */
const scope = z
  .string()
  .max(20_000)
  .transform(scopeTokens)
  .superRefine((scopes, ctx) => {
    if (scopes.length === 0) ctx.addIssue({ code: 'custom', message: 'scope must name at least one scope' });
    if (scopes.length > MAX_CLIENT_SCOPES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_CLIENT_SCOPES} scopes` });
    for (const s of scopes) {
      const problem = scopeProblem(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `scope ${JSON.stringify(s)}: ${problem}` });
    }
  })
  .transform((scopes) => scopes.join(' '));

const fields = {
  // One rule for the admin API and registration (display-name.ts): no control or bidi characters.
  client_name: z
    .string()
    .trim()
    .min(1, 'client_name is required')
    .max(200)
    .superRefine((name, ctx) => {
      const problem = displayNameProblem(name);
      if (problem) ctx.addIssue({ code: 'custom', message: `client_name ${problem}` });
    }),
  redirect_uris: z.array(redirectUri).max(50),
  post_logout_redirect_uris: z.array(redirectUri).max(50),
  first_party: z.boolean(),
  grant_types: z.array(z.enum(GRANT_TYPES, { error: (i) => `unknown grant type "${String(i.input)}"` })).min(1).max(GRANT_TYPES.length),
  scope,
  token_endpoint_auth_method: z.enum(AUTH_METHODS, { error: (i) => `unknown auth method "${String(i.input)}"` }),
  id_token_signed_response_alg: z.enum(ID_TOKEN_ALGS, { error: (i) => `unknown ID token algorithm "${String(i.input)}" (use ${inWords(ID_TOKEN_ALGS)})` }),
  // OpenID Connect Back-Channel Logout 1.0 §2.2: where logout tokens are POSTed; the same rules
  // as a redirect URI (https, or http on a loopback host). null removes it on an update.
  backchannel_logout_uri: uri(endpointUriProblem).nullable(),
  backchannel_logout_session_required: z.boolean(),
  // RFC 7662 §4: may introspect tokens issued to other clients.
  resource_server: z.boolean(),
  // Sign-ins wait until the account's email address is verified (docs/email.md).
  require_verified_email: z.boolean(),
  // OpenID Connect Dynamic Client Registration 1.0 §2: shown on the consent page (the logo, and
  // links to the client's site, privacy policy and terms). https only; null removes one.
  logo_uri: imageUrl.nullable(),
  client_uri: httpsUrl.nullable(),
  policy_uri: httpsUrl.nullable(),
  tos_uri: httpsUrl.nullable(),
  // RFC 9126 §6: the client must push its authorization requests (PAR); /auth refuses others.
  require_pushed_authorization_requests: z.boolean(),
  // RFC 9449 §5.2: the client's access tokens are always DPoP-bound; a token request without a
  // proof is refused.
  dpop_bound_access_tokens: z.boolean(),
  // private_key_jwt's keys (client-keys.ts): one of the two; null removes it on an update.
  jwks: clientJwksSchema.nullable(),
  jwks_uri: uri(jwksUriProblem).nullable(),
};

/**
 * Only the fields sent change. `public` switches the kind: to public drops the secret (it stops
 * working at once) and sets the auth method "none"; to confidential issues a new secret, shown
 * once in the answer, with the auth method client_secret_basic unless another is sent.
 */
export const clientUpdateInputSchema = z
  .strictObject({
    ...fields,
    /** A public client has no secret (a SPA, a native app). */
    public: z.boolean(),
  })
  .partial();

/** Every field but the name may be left out; the server's defaults fill them in. */
export const clientCreateInputSchema = clientUpdateInputSchema.extend({ client_name: fields.client_name });
export type ClientCreateInput = z.input<typeof clientCreateInputSchema>;

export type ClientUpdateInput = z.input<typeof clientUpdateInputSchema>;
