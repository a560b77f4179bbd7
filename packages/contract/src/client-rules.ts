/**
 * Client registration rules, the one copy the server (clients/client-input.schema.ts) and the CLI
 * (validate.ts) both apply. The server is the authority; the CLI checks the same rules before
 * sending so a typo fails fast. A redirect URI's reason reads the same on both sides, after the
 * URI; the rules across fields return codes, which each side words for its reader (API field
 * names, CLI flags) in a `Record<ClientProblem, …>`, so a new rule cannot go unworded.
 * - Redirect URIs: absolute, https, or http on a loopback host only (@see RFC 8252 §7.3,
 *   RFC 9700 §2.1), or a native app's private-use scheme (@see RFC 8252 §7.1); no fragment
 *   (@see RFC 6749 §3.1.2); no userinfo (SECURITY.md R1, R3); no wildcard, since matching at the
 *   authorization endpoint is exact (the provider does that) and a `*` would never match.
 *   Back-channel logout URIs are server endpoints: the same rules without private-use schemes.
 * - Scopes: the OpenID Connect scopes the server gives meaning to, plus any API scope a client is
 *   registered with (a valid scope-token, @see RFC 6749 §3.3), e.g. `read:invoices`.
 * - The closed sets the server supports: grant types, token endpoint auth methods and ID token
 *   signing algorithms.
 * - The rules across fields (`clientProblems`): a refresh token only comes with an authorization
 *   code or a device code; a redirect URI is needed for the authorization code grant only; a public client has no secret, so it authenticates with "none" and cannot use
 *   client_credentials or introspect; a private-use scheme redirect belongs to a public (native)
 *   client.
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

/**
 * The OpenID Connect scopes: the server knows what each one releases (claims, a refresh token).
 * A client registered with no `scope` may request all of them. Any other scope a client is
 * registered with is an API scope: the server releases nothing for it, it only says in the access
 * token (introspection's `scope`) that the client was allowed it, for the API to enforce.
 */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;
export type SupportedScope = (typeof SUPPORTED_SCOPES)[number];

export function isOidcScope(scope: string): scope is SupportedScope {
  return (SUPPORTED_SCOPES as readonly string[]).includes(scope);
}

/** How many scopes one client may be registered with, and how long one may be. */
export const MAX_CLIENT_SCOPES = 100;
export const MAX_SCOPE_LENGTH = 200;

/**
 * RFC 8628 §3.4: the device authorization grant (a TV, a CLI) by its URN. Public clients (a CLI
 * or device app, no secret) and confidential ones may use it; it needs no redirect URI, since the
 * person signs in on another screen at the server's `/device` page.
 */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials', DEVICE_CODE_GRANT] as const;
export type GrantType = (typeof GRANT_TYPES)[number];
/** What a client gets when it names none: a browser sign-in that can stay signed in. */
export const DEFAULT_GRANT_TYPES: readonly GrantType[] = ['authorization_code', 'refresh_token'];

/**
 * The token endpoint auth methods the server offers. private_key_jwt (RFC 7523 §2.2) needs the
 * client's public keys, `jwks` or `jwks_uri` (client-keys.ts); such a client has no secret.
 */
export const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'] as const;
export type AuthMethod = (typeof AUTH_METHODS)[number];

/** A public client has no secret, so "none"; a confidential one sends its secret in the header. */
export function defaultAuthMethod(isPublic: boolean): AuthMethod {
  return isPublic ? 'none' : 'client_secret_basic';
}

/** The one definition of a public client: it authenticates with "none" (it has no secret). */
export function isPublicClient(client: { token_endpoint_auth_method: string }): boolean {
  return client.token_endpoint_auth_method === 'none';
}

/** Whether a client authenticates with a secret the server issued (and so has one to rotate). */
export function usesClientSecret(method: string): boolean {
  return method === 'client_secret_basic' || method === 'client_secret_post';
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

/** Why a scope token is refused, or undefined when it is a valid scope-token of a sane length. */
export function scopeProblem(token: string): string | undefined {
  if (!isScopeToken(token)) return 'not a valid scope (printable ASCII without spaces, quotes or backslashes, RFC 6749 §3.3)';
  if (token.length > MAX_SCOPE_LENGTH) return `longer than ${MAX_SCOPE_LENGTH} characters`;
  return undefined;
}

/** Space-separated scope text as a list: split on any whitespace, duplicates dropped, order kept. */
export function scopeTokens(value: string): string[] {
  return [...new Set(value.split(/\s+/).filter(Boolean))];
}

/** Why a redirect URI is refused, as text that reads after the URI ("…": reason). */
export const REDIRECT_URI_PROBLEMS = {
  not_absolute: 'not an absolute URL',
  scheme: "must use https (or http for a loopback host, or a native app's reverse-domain scheme such as com.example.app:/callback)",
  http_off_loopback: 'http is only allowed for loopback hosts',
  fragment: 'must not contain a fragment',
  userinfo: 'must not contain user information',
  wildcard: 'wildcards are not supported: redirect URIs match exactly, so register each one in full',
  private_scheme: 'a private-use scheme must be a reverse domain name with a dot, e.g. com.example.app:/callback (RFC 8252 §7.1)',
  private_scheme_not_allowed: 'must use https (or http for a loopback host); private-use schemes are for native apps\' redirect URIs only',
  native_https_loopback: 'a native app uses http, not https, on a loopback host (RFC 8252 §7.3)',
} as const;

/**
 * A private-use URI scheme as RFC 8252 §7.1 asks for it: a reverse domain name, so it holds a dot
 * (`com.example.app:`). Only the scheme is checked here; the rest is redirectUriProblem's.
 */
const PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+-]*(\.[a-z0-9+-]+)+:$/;

/** Whether the URI uses a scheme other than http(s): a native app's private-use scheme. */
export function isPrivateUseRedirect(value: string): boolean {
  return URL.canParse(value) && !['https:', 'http:'].includes(new URL(value).protocol);
}

/**
 * The reason `value` is not an acceptable redirect URI, or undefined when it is. A private-use
 * scheme passes here; that it belongs to a public client is a rule across fields (clientProblems).
 */
export function redirectUriProblem(value: string): string | undefined {
  if (!URL.canParse(value)) return REDIRECT_URI_PROBLEMS.not_absolute;
  const url = new URL(value);
  // `new URL` keeps a `*` in a hostname: the URI reads as a pattern (`https://*.example.com/cb`,
  // `https://app.example/cb/*`) that exact matching would never match.
  if (url.hostname.includes('*') || url.pathname.endsWith('*')) return REDIRECT_URI_PROBLEMS.wildcard;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    // javascript:, data:, file:… hold no dot; only a reverse-domain scheme is a native app's.
    if (!PRIVATE_USE_SCHEME.test(url.protocol)) return REDIRECT_URI_PROBLEMS.scheme;
    if (url.host !== '' || !url.pathname.startsWith('/')) return REDIRECT_URI_PROBLEMS.private_scheme;
  } else if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return REDIRECT_URI_PROBLEMS.http_off_loopback;
  // Checked on the raw text too: `new URL('https://a/cb#').hash` is '' although the marker is there.
  if (url.hash !== '' || value.includes('#')) return REDIRECT_URI_PROBLEMS.fragment;
  if (url.username !== '' || url.password !== '') return REDIRECT_URI_PROBLEMS.userinfo;
  return undefined;
}

/** A back-channel logout URI is a server's endpoint: a redirect URI's rules, no private-use scheme. */
export function endpointUriProblem(value: string): string | undefined {
  const problem = redirectUriProblem(value);
  if (problem === undefined && isPrivateUseRedirect(value)) return REDIRECT_URI_PROBLEMS.private_scheme_not_allowed;
  return problem;
}

/** A rule across a client's fields that the client breaks. */
export type ClientProblem =
  | 'redirect_uri_required'
  | 'refresh_needs_code'
  | 'public_needs_none'
  | 'none_needs_public'
  | 'public_client_credentials'
  | 'public_resource_server'
  | 'private_scheme_needs_public'
  | 'native_https_loopback'
  | 'native_first_party'
  | 'key_jwt_needs_keys'
  | 'keys_need_key_jwt'
  | 'jwks_and_jwks_uri';

/** What the rules across fields look at: a whole client, or the merged result of an update. */
export interface ClientShape {
  public: boolean;
  grant_types: readonly string[];
  redirect_uris: readonly string[];
  post_logout_redirect_uris?: readonly string[];
  token_endpoint_auth_method: string;
  resource_server?: boolean;
  first_party?: boolean;
  /** private_key_jwt's keys (client-keys.ts); null or absent when none. */
  jwks?: unknown;
  jwks_uri?: string | null;
}

/**
 * A native app (OpenID Connect Registration `application_type`): a client with a private-use
 * scheme redirect. The provider lets a native app's loopback redirects use any port
 * (RFC 8252 §7.3); every other client's redirect URIs match exactly.
 */
export function isNativeClient(client: Pick<ClientShape, 'redirect_uris'> & { post_logout_redirect_uris?: readonly string[] }): boolean {
  return [...client.redirect_uris, ...(client.post_logout_redirect_uris ?? [])].some(isPrivateUseRedirect);
}

/**
 * A refresh token is only ever issued alongside a grant a person signed in for: an authorization
 * code or a device code (a TV stays signed in the same way a browser app does).
 */
export function grantTypesProblem(grantTypes: readonly string[]): 'refresh_needs_code' | undefined {
  const signedIn = grantTypes.includes('authorization_code') || grantTypes.includes(DEVICE_CODE_GRANT);
  return grantTypes.includes('refresh_token') && !signedIn ? 'refresh_needs_code' : undefined;
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
  // RFC 8252 §8.6: anyone can claim a private-use scheme on a device, so it proves nothing about
  // who receives the code; only a public client (PKCE, no secret to leak) may use one.
  const native = isNativeClient(client);
  if (native && !client.public) problems.push('private_scheme_needs_public');
  // A native client's loopback redirects are plain http (RFC 8252 §7.3); the provider refuses
  // https on a loopback host for one.
  if (native && client.redirect_uris.some((uri) => URL.canParse(uri) && new URL(uri).protocol === 'https:' && isLoopbackHost(new URL(uri).hostname))) {
    problems.push('native_https_loopback');
  }
  // RFC 8252 §8.6: the server cannot prove a native app's identity (any app on the device can
  // claim its scheme), so consent must never be skipped for one: it is never first-party.
  if (native && client.first_party === true) problems.push('native_first_party');
  // RFC 7523 §2.2: the assertion is verified with the client's registered keys: exactly one
  // source of them, and only for the method that uses them.
  const hasJwks = client.jwks !== undefined && client.jwks !== null;
  const hasJwksUri = client.jwks_uri !== undefined && client.jwks_uri !== null;
  if (client.token_endpoint_auth_method === 'private_key_jwt' && !hasJwks && !hasJwksUri) problems.push('key_jwt_needs_keys');
  if (client.token_endpoint_auth_method !== 'private_key_jwt' && (hasJwks || hasJwksUri)) problems.push('keys_need_key_jwt');
  if (hasJwks && hasJwksUri) problems.push('jwks_and_jwks_uri');
  return problems;
}
