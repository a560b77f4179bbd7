/**
 * Local validation of `clients create|update` input, so a typo fails fast (exit 2) and nothing
 * reaches the API. The rules are the server's own, from @portcullis/contract (redirect URIs, the
 * closed sets of grant types, auth methods and ID token algorithms, the rules across fields);
 * this file only maps flags to the API's body and words each refusal in terms of flags.
 * Left to the server: anything that needs the stored client (an update's rules across fields).
 */
import { z } from 'zod';
import {
  AUTH_METHODS,
  clientProblems,
  defaultAuthMethod,
  DEFAULT_GRANT_TYPES,
  DEVICE_CODE_GRANT,
  endpointUriProblem,
  GRANT_TYPES,
  grantTypesProblem,
  ID_TOKEN_ALGS,
  MAX_CLIENT_SCOPES,
  redirectUriProblem,
  scopeProblem,
  scopeTokens,
  type ClientCreateInput,
  type GrantType,
  type ClientProblem,
  type ClientUpdateInput,
} from '@portcullis/contract';
import { usageError } from './cli.error.js';
import { parsePageLinkFlags } from './commands/client-page-links.js';
import { parseProtocolFlags } from './commands/client-protocol-options.js';

/** The rules across fields, in terms of the flags that set them (`method`: the auth method chosen). */
const PROBLEM_TEXT: Record<ClientProblem, string | ((method: string) => string)> = {
  redirect_uri_required: '--redirect-uri is required when the grant types include authorization_code',
  refresh_needs_code: '--grant-type refresh_token needs --grant-type authorization_code or urn:ietf:params:oauth:grant-type:device_code (--device on create) as well',
  public_needs_none: (method) => `--public clients authenticate with --auth-method none, not ${JSON.stringify(method)}`,
  none_needs_public: '--auth-method none makes a public client: pass --public instead',
  public_client_credentials: '--public clients cannot use the client_credentials grant (they have no secret)',
  public_resource_server: '--public clients cannot --introspect (introspection needs a client secret)',
  private_scheme_needs_public: 'a private-use scheme --redirect-uri (a native app) needs --public',
  native_https_loopback: 'a native app (private-use scheme --redirect-uri) uses http, not https, on a loopback host (RFC 8252 §7.3)',
  native_first_party: 'a native app (private-use scheme --redirect-uri) cannot be --first-party: any app on a device can claim its scheme, so consent is never skipped for it (RFC 8252 §8.6)',
  key_jwt_needs_keys: '--auth-method private_key_jwt needs the client\'s public keys: --jwks-file or --jwks-uri',
  keys_need_key_jwt: '--jwks-file and --jwks-uri are only for --auth-method private_key_jwt',
  jwks_and_jwks_uri: 'pass --jwks-file or --jwks-uri, not both',
};

const redirectUris = (flag: string) =>
  z
    .array(
      z.string().superRefine((value, ctx) => {
        const problem = redirectUriProblem(value);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `${flag} ${JSON.stringify(value)}: ${problem}` });
      }),
    )
    .transform((uris) => [...new Set(uris)]);

const grantTypes = z
  .array(z.enum(GRANT_TYPES, { error: (issue) => `--grant-type ${JSON.stringify(issue.input)}: must be one of ${GRANT_TYPES.join(', ')}` }))
  .transform((types) => [...new Set(types)]);

const idTokenAlg = z.enum(ID_TOKEN_ALGS, {
  error: (issue) => `--id-token-alg ${JSON.stringify(issue.input)}: must be one of ${ID_TOKEN_ALGS.join(', ')}`,
});

const authMethod = z.enum(AUTH_METHODS, {
  error: (issue) => `--auth-method ${JSON.stringify(issue.input)}: must be one of ${AUTH_METHODS.join(', ')}`,
});

/** Normalised to single spaces, duplicates dropped, order kept: OpenID Connect or API scopes. */
const scope = z
  .string()
  .transform(scopeTokens)
  .superRefine((tokens, ctx) => {
    if (tokens.length === 0) ctx.addIssue({ code: 'custom', message: '--scope must name at least one scope' });
    if (tokens.length > MAX_CLIENT_SCOPES) ctx.addIssue({ code: 'custom', message: `--scope: at most ${MAX_CLIENT_SCOPES} scopes` });
    for (const token of tokens) {
      const problem = scopeProblem(token);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `--scope ${JSON.stringify(token)}: ${problem}` });
    }
  })
  .transform((tokens) => tokens.join(' '));

/** A back-channel logout URI: a server endpoint's rules; on an update, '' removes it. */
const backchannelLogoutUri = z.string().superRefine((value, ctx) => {
  const problem = value === '' ? undefined : endpointUriProblem(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `--backchannel-logout-uri ${JSON.stringify(value)}: ${problem}` });
});

const clientName = z.string().trim().min(1, '--name must not be empty');

/** Commander's option values for `clients create`, before defaults. */
const createFlagsSchema = z.object({
  name: clientName,
  redirectUri: redirectUris('--redirect-uri').default([]),
  postLogoutRedirectUri: redirectUris('--post-logout-redirect-uri').default([]),
  public: z.boolean().default(false),
  firstParty: z.boolean().default(false),
  grantType: grantTypes.optional(),
  scope: scope.optional(),
  authMethod: authMethod.optional(),
  idTokenAlg: idTokenAlg.optional(),
  backchannelLogoutUri: backchannelLogoutUri.optional(),
  backchannelLogoutSessionRequired: z.boolean().optional(),
  introspect: z.boolean().default(false),
  device: z.boolean().default(false),
  requireVerifiedEmail: z.boolean().default(false),
});

/**
 * `--device` (RFC 8628): the device code grant added to the --grant-type list; alone, a device
 * client that stays signed in (device code and refresh token, no redirect URI needed).
 */
function createGrantTypes(given: GrantType[] | undefined, device: boolean): GrantType[] {
  if (!device) return given ?? [...DEFAULT_GRANT_TYPES];
  return [...new Set<GrantType>([...(given ?? ['refresh_token']), DEVICE_CODE_GRANT])];
}

/** Spelled out rather than derived: create's defaults must not leak into an update as "set to empty". */
const updateFlagsSchema = z.object({
  name: clientName.optional(),
  public: z.boolean().optional(),
  redirectUri: redirectUris('--redirect-uri').optional(),
  postLogoutRedirectUri: redirectUris('--post-logout-redirect-uri').optional(),
  firstParty: z.boolean().optional(),
  grantType: grantTypes.optional(),
  scope: scope.optional(),
  authMethod: authMethod.optional(),
  idTokenAlg: idTokenAlg.optional(),
  backchannelLogoutUri: backchannelLogoutUri.optional(),
  backchannelLogoutSessionRequired: z.boolean().optional(),
  introspect: z.boolean().optional(),
  requireVerifiedEmail: z.boolean().optional(),
});

function problemText(problem: ClientProblem, method = ''): string {
  const text = PROBLEM_TEXT[problem];
  return typeof text === 'string' ? text : text(method);
}

export function parseCreateFlags(flags: Record<string, unknown>): ClientCreateInput {
  const f = parseOrThrow(createFlagsSchema, flags);
  const grant_types = createGrantTypes(f.grantType, f.device);
  const token_endpoint_auth_method = f.authMethod ?? defaultAuthMethod(f.public);
  const protocol = parseProtocolFlags(flags, 'create');
  const problems = clientProblems({
    ...protocol,
    public: f.public,
    grant_types,
    redirect_uris: f.redirectUri,
    post_logout_redirect_uris: f.postLogoutRedirectUri,
    token_endpoint_auth_method,
    resource_server: f.introspect,
    first_party: f.firstParty,
  });
  if (problems.length > 0) throw usageError(problems.map((problem) => problemText(problem, token_endpoint_auth_method)).join('; '));
  return {
    client_name: f.name,
    redirect_uris: f.redirectUri,
    post_logout_redirect_uris: f.postLogoutRedirectUri,
    public: f.public,
    first_party: f.firstParty,
    grant_types,
    ...(f.scope === undefined ? {} : { scope: f.scope }),
    token_endpoint_auth_method,
    ...(f.idTokenAlg === undefined ? {} : { id_token_signed_response_alg: f.idTokenAlg }),
    ...(f.backchannelLogoutUri === undefined ? {} : { backchannel_logout_uri: f.backchannelLogoutUri }),
    // Commander sets the --no- flag's value to true when it is absent: send only an explicit "no".
    ...(f.backchannelLogoutSessionRequired === false ? { backchannel_logout_session_required: false } : {}),
    ...(f.introspect ? { resource_server: true } : {}),
    ...(f.requireVerifiedEmail ? { require_verified_email: true } : {}),
    ...parsePageLinkFlags(flags, 'create'),
    ...protocol,
  };
}

/**
 * Only the fields given are sent. Rules that need the stored client (public or not, its grant types)
 * are left to the server, which has it.
 */
export function parseUpdateFlags(flags: Record<string, unknown>): ClientUpdateInput {
  const f = parseOrThrow(updateFlagsSchema, flags);
  // --grant-type replaces the stored list, so the list given must make sense on its own.
  const grants = f.grantType === undefined ? undefined : grantTypesProblem(f.grantType);
  if (grants !== undefined) throw usageError(problemText(grants));
  // Switching kind with a method of the other kind cannot work, whatever is stored.
  if (f.public !== undefined && f.authMethod !== undefined && (f.authMethod === 'none') !== f.public) {
    throw usageError(f.public ? problemText('public_needs_none', f.authMethod) : '--no-public clients cannot use --auth-method none');
  }
  const body: ClientUpdateInput = {
    client_name: f.name,
    public: f.public,
    redirect_uris: f.redirectUri,
    post_logout_redirect_uris: f.postLogoutRedirectUri,
    first_party: f.firstParty,
    grant_types: f.grantType,
    scope: f.scope,
    token_endpoint_auth_method: f.authMethod,
    id_token_signed_response_alg: f.idTokenAlg,
    backchannel_logout_uri: f.backchannelLogoutUri === '' ? null : f.backchannelLogoutUri,
    backchannel_logout_session_required: f.backchannelLogoutSessionRequired,
    resource_server: f.introspect,
    require_verified_email: f.requireVerifiedEmail,
    ...parsePageLinkFlags(flags, 'update'),
    ...parseProtocolFlags(flags, 'update'),
  };
  const given = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as ClientUpdateInput;
  if (Object.keys(given).length === 0) throw usageError('nothing to update: pass at least one flag (see --help)');
  return given;
}

/** All problems on one line, so a script's log stays one line per failure. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw usageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}
