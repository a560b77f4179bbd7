/**
 * Client registration rules, the one copy the server (clients/client-input.schema.ts) and the CLI
 * (validate.ts) both apply. The server is the authority; the CLI checks the same rules before
 * sending so a typo fails fast. A redirect URI's reason reads the same on both sides, after the
 * URI; the rules across fields return codes, which each side words for its reader (API field
 * names, CLI flags) in a `Record<ClientProblem, …>`, so a new rule cannot go unworded.
 * - Redirect URIs (and back-channel logout URIs): absolute, https, or http on a loopback host only
 *   (@see RFC 8252 §7.3, RFC 9700 §2.1); no fragment (@see RFC 6749 §3.1.2); no userinfo
 *   (SECURITY.md R1, R3). Matching at the authorization endpoint is exact; the provider does that.
 * - The closed sets the server supports: scopes, grant types, token endpoint auth methods and
 *   ID token signing algorithms.
 * - The rules across fields (`clientProblems`): a refresh token only comes with an authorization
 *   code; a public client has no secret, so it authenticates with "none" and cannot use
 *   client_credentials or introspect.
 */

/**
 * Hosts where plain http is allowed: development and native apps listen there. A hostname as
 * `URL` spells it (IPv6 in brackets); a name that merely starts with one (localhost.evil.test) is
 * not one.
 */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '[::1]', 'localhost']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname);
}

export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export type SupportedScope = (typeof SUPPORTED_SCOPES)[number];

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
/** What a client gets when it names none: a browser sign-in that can stay signed in. */
export const DEFAULT_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token'];

export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A public client has no secret, so "none"; a confidential one sends its secret in the header. */
export function defaultAuthMethod(isPublic: boolean): AuthMethod {
  return isPublic ? 'none' : 'client_secret_basic';
}

/** RS256 is the default (OIDC Discovery §3 requires it); ES256 and EdDSA are per-client choices. */
export const ID_TOKEN_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
export type IdTokenAlg = (typeof ID_TOKEN_ALGS)[number];
export const DEFAULT_ID_TOKEN_ALG: IdTokenAlg = 'RS256';

/** A scope token is NQCHAR: printable ASCII except space, `"` and `\` (@see RFC 6749 §3.3). */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export function isScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}

/** Space-separated scope text as a list: split on any whitespace, duplicates dropped, order kept. */
export function scopeTokens(value: string): string[] {
  return [...new Set(value.split(/\s+/).filter(Boolean))];
}

/** Why a redirect URI is refused, as text that reads after the URI ("…": reason). */
export const REDIRECT_URI_PROBLEMS = {
  not_absolute: 'not an absolute URL',
  scheme: 'must use https (or http for a loopback host)',
  http_off_loopback: 'http is only allowed for loopback hosts',
  fragment: 'must not contain a fragment',
  userinfo: 'must not contain user information',
} as const;

/** The reason `value` is not an acceptable redirect URI, or undefined when it is. */
export function redirectUriProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return REDIRECT_URI_PROBLEMS.not_absolute;
  const url = new URL(value);
  // No javascript:, data: or custom schemes (custom schemes for native apps can be added when a
  // native-app client type exists).
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return REDIRECT_URI_PROBLEMS.scheme;
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return REDIRECT_URI_PROBLEMS.http_off_loopback;
  // Checked on the raw text too: `new URL('https://a/cb#').hash` is '' although the marker is there.
  if (url.hash !== '' || value.includes('#')) return REDIRECT_URI_PROBLEMS.fragment;
  if (url.username !== '' || url.password !== '') return REDIRECT_URI_PROBLEMS.userinfo;
  return undefined;
}

/** A rule across a client's fields that the client breaks. */
export type ClientProblem =
  | 'redirect_uri_required'
  | 'refresh_needs_code'
  | 'public_needs_none'
  | 'none_needs_public'
  | 'public_client_credentials'
  | 'public_resource_server';

/** What the rules across fields look at: a whole client, or the merged result of an update. */
export interface ClientShape {
  public: boolean;
  grant_types: readonly string[];
  redirect_uris: readonly string[];
  token_endpoint_auth_method: string;
  resource_server?: boolean;
}

/** A refresh token is only ever issued alongside an authorization code here. */
export function grantTypesProblem(grantTypes: readonly string[]): 'refresh_needs_code' | undefined {
  return grantTypes.includes('refresh_token') && !grantTypes.includes('authorization_code') ? 'refresh_needs_code' : undefined;
}

/** Every rule across fields the client breaks, in a fixed order; empty when it breaks none. */
export function clientProblems(client: ClientShape): ClientProblem[] {
  const problems: ClientProblem[] = [];
  if (client.grant_types.includes('authorization_code') && client.redirect_uris.length === 0) problems.push('redirect_uri_required');
  const grants = grantTypesProblem(client.grant_types);
  if (grants !== undefined) problems.push(grants);
  if (client.public && client.token_endpoint_auth_method !== 'none') problems.push('public_needs_none');
  if (!client.public && client.token_endpoint_auth_method === 'none') problems.push('none_needs_public');
  if (client.public && client.grant_types.includes('client_credentials')) problems.push('public_client_credentials');
  // Introspection (RFC 7662 §2.1) needs client authentication, which needs a secret.
  if (client.public && client.resource_server) problems.push('public_resource_server');
  return problems;
}
