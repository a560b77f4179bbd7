/**
 * Local validation of `clients create|update` input, so a typo fails fast (exit 2) and nothing
 * reaches the API. The server validates again; these rules must stay no looser than its own.
 * - Redirect URIs: absolute http(s), no fragment (@see RFC 6749 §3.1.2), no userinfo; plain http
 *   only for loopback hosts, where native apps listen (@see RFC 8252 §7.3, RFC 9700 §2.1).
 * - Grant types and auth methods: the closed sets the server supports. A refresh token is only
 *   ever issued alongside an authorization code here, so refresh_token needs authorization_code.
 * - Public clients have no secret, so they cannot use client_credentials or authenticate with one.
 */
import { z } from 'zod';
import { usageError } from './cli.error.js';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
export type AuthMethod = (typeof AUTH_METHODS)[number];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);
/** A scope token is NQCHAR: printable ASCII except space, `"` and `\` (@see RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Why `value` is not an acceptable redirect URI, or undefined when it is. */
export function redirectUriProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return 'not an absolute URL';
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must be an https URL (http only for loopback hosts)';
  // Checked on the raw text: `new URL('https://a/cb#').hash` is '' although the fragment marker is there.
  if (value.includes('#')) return 'must not contain a fragment';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'http is only allowed for loopback hosts';
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  return undefined;
}

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

export const ID_TOKEN_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
const idTokenAlg = z.enum(ID_TOKEN_ALGS, {
  error: (issue) => `--id-token-alg ${JSON.stringify(issue.input)}: must be one of ${ID_TOKEN_ALGS.join(', ')}`,
});

const authMethod = z.enum(AUTH_METHODS, {
  error: (issue) => `--auth-method ${JSON.stringify(issue.input)}: must be one of ${AUTH_METHODS.join(', ')}`,
});

/** Normalised to single spaces, duplicates dropped, order kept. */
const scope = z
  .string()
  .transform((value) => [...new Set(value.split(/\s+/).filter(Boolean))])
  .superRefine((tokens, ctx) => {
    if (tokens.length === 0) ctx.addIssue({ code: 'custom', message: '--scope must name at least one scope' });
    const bad = tokens.find((token) => !SCOPE_TOKEN.test(token));
    if (bad !== undefined) ctx.addIssue({ code: 'custom', message: `--scope ${JSON.stringify(bad)}: not a valid scope token` });
  })
  .transform((tokens) => tokens.join(' '));

/** A back-channel logout URI: the redirect-URI rules; on an update, '' removes it. */
const backchannelLogoutUri = z.string().superRefine((value, ctx) => {
  const problem = value === '' ? undefined : redirectUriProblem(value);
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
});

/** Spelled out rather than derived: create's defaults must not leak into an update as "set to empty". */
const updateFlagsSchema = z.object({
  name: clientName.optional(),
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
});

export interface ClientCreateBody {
  client_name: string;
  redirect_uris: string[];
  post_logout_redirect_uris: string[];
  public: boolean;
  first_party: boolean;
  grant_types: GrantType[];
  scope?: string;
  token_endpoint_auth_method: AuthMethod;
  id_token_signed_response_alg?: (typeof ID_TOKEN_ALGS)[number];
  backchannel_logout_uri?: string | null;
  backchannel_logout_session_required?: boolean;
  resource_server?: boolean;
}

export type ClientUpdateBody = Partial<Omit<ClientCreateBody, 'public'>>;

export function parseCreateFlags(flags: Record<string, unknown>): ClientCreateBody {
  const f = parseOrThrow(createFlagsSchema, flags);
  const grant_types = f.grantType ?? ['authorization_code', 'refresh_token'];
  const token_endpoint_auth_method = f.authMethod ?? (f.public ? 'none' : 'client_secret_basic');

  if (f.public && grant_types.includes('client_credentials')) {
    throw usageError('--public clients cannot use the client_credentials grant (they have no secret)');
  }
  if (f.public && token_endpoint_auth_method !== 'none') {
    throw usageError(`--public clients authenticate with --auth-method none, not ${JSON.stringify(token_endpoint_auth_method)}`);
  }
  if (f.public && f.introspect) {
    throw usageError('--public clients cannot --introspect (introspection needs a client secret)');
  }
  if (!f.public && token_endpoint_auth_method === 'none') {
    throw usageError('--auth-method none makes a public client: pass --public instead');
  }
  refreshNeedsCode(grant_types);
  if (grant_types.includes('authorization_code') && f.redirectUri.length === 0) {
    throw usageError('--redirect-uri is required when the grant types include authorization_code');
  }
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
  };
}

/**
 * Only the fields given are sent. Rules that need the stored client (public or not, its grant types)
 * are left to the server, which has it.
 */
export function parseUpdateFlags(flags: Record<string, unknown>): ClientUpdateBody {
  const f = parseOrThrow(updateFlagsSchema, flags);
  // --grant-type replaces the stored list, so the list given must make sense on its own.
  if (f.grantType !== undefined) refreshNeedsCode(f.grantType);
  const body: ClientUpdateBody = {
    client_name: f.name,
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
  };
  const given = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)) as ClientUpdateBody;
  if (Object.keys(given).length === 0) throw usageError('nothing to update: pass at least one flag (see --help)');
  return given;
}

function refreshNeedsCode(grantTypes: readonly GrantType[]): void {
  if (grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code')) {
    throw usageError('--grant-type refresh_token needs --grant-type authorization_code as well');
  }
}

/** All problems on one line, so a script's log stays one line per failure. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw usageError(parsed.error.issues.map((issue) => issue.message).join('; '));
  return parsed.data;
}
