/**
 * The policy every dynamically registered client meets (RFC 7591 §2, §3.2.2), applied when the
 * provider builds the client from a registration (POST /reg) or an update (PUT /reg/:id, RFC
 * 7592), through `extraClientMetadata.validator`, before the library's own checks. The admin's
 * rules are applied, not copied: the metadata the admin API would take is picked from the request
 * and parsed by the same schema (clients/client-input.schema.ts, @portcullis/contract), so a
 * redirect URI the admin API refuses is refused here too. On top of them:
 * - third-party only: `first_party` and `resource_server` cannot be asked for (consent is never
 *   skipped, no introspection of others' tokens);
 * - grant types: authorization_code and refresh_token, and with an initial access token the
 *   device code grant (where the server offers it); never client_credentials;
 * - nothing that makes the server fetch a URL a stranger chose: no `jwks_uri`,
 *   `sector_identifier_uri`, `request_uris` or `backchannel_logout_uri`; private_key_jwt takes
 *   its keys inline (`jwks`, checked by the admin's schema), with an initial access token only;
 * - without an initial access token (`open-native`, RFC 8252): a public client (auth method
 *   "none") for the authorization code flow (grant types within authorization_code and
 *   refresh_token), with at least one redirect URI and all of them loopback http or a private-use
 *   scheme; it is registered as a native app, so its loopback port may vary (RFC 8252 §7.3). The
 *   device grant is not open: an anonymous device client under any name is a ready-made
 *   device-code phishing kit (RFC 8628 §5.4);
 * - what is stored is built from an allow-list, the admin's fields, not from the request: any
 *   other metadata the library knows (contacts, initiate_login_uri, default_max_age, …) is dropped
 *   (RFC 7591 §3.2.1: the answer shows what was registered), and so are logo_uri, client_uri,
 *   policy_uri and tos_uri: a stranger's logo on the consent page is a tracking image and a
 *   borrowed look. client_name is optional (RFC 7591 §2); the consent page names an unnamed
 *   client so and marks every registered client as not verified by the operator;
 * - defaults: the admin's (every OpenID Connect scope, authorization_code + refresh_token), and
 *   auth method "none" for `open-native`. PKCE is required of every client (configuration.ts).
 * A refused request is `invalid_redirect_uri` for a redirect URI, `invalid_client_metadata`
 * otherwise (RFC 7591 §3.2.2). The validator must be synchronous; every rule here is.
 */
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { clientCreateInputSchema, clientProblems, DEVICE_CODE_GRANT, isLoopbackHost, isNativeClient, isPrivateUseRedirect, type ClientProblem } from '@portcullis/contract';
import { clientProblemTexts, createClientSchema, formatIssues } from '../clients/client-input.schema.js';
import { DYNAMIC_REGISTRATION, FIRST_PARTY, RESOURCE_SERVER } from './client-flags.js';

export type RegistrationVia = 'token' | 'open-native';

/** The provider's routes that build a client from a request's metadata. */
const REGISTERING_ROUTES = new Set(['registration', 'client_update']);

/** The admin API's fields a registration may set, parsed by its schema: all that is kept of a request. */
const ADMIN_FIELDS = ['client_name', 'redirect_uris', 'post_logout_redirect_uris', 'grant_types', 'scope', 'token_endpoint_auth_method', 'id_token_signed_response_alg', 'jwks', 'require_pushed_authorization_requests', 'dpop_bound_access_tokens'] as const;
/** What the library sets itself on the object it validates (lib/actions/registration.js). */
const LIBRARY_FIELDS = ['client_id', 'client_id_issued_at', 'client_secret', 'client_secret_expires_at'] as const;
/** Validates a registration without a name (RFC 7591 §2 makes it optional); never stored. */
const NAME_PLACEHOLDER = 'unnamed';
/** With an initial access token, the device authorization grant (RFC 8628) too, where the provider has it on. */
const TOKEN_GRANTS = new Set(['authorization_code', 'refresh_token', DEVICE_CODE_GRANT]);
/** Without one: the authorization code flow only (M1: no anonymous device clients). */
const OPEN_NATIVE_GRANTS = new Set(['authorization_code', 'refresh_token']);
/** Metadata that would make the server fetch a URL the registering party chose. */
const FETCHED_URIS = ['jwks_uri', 'sector_identifier_uri', 'request_uris', 'backchannel_logout_uri'] as const;
const REDIRECT_PROBLEMS: ReadonlySet<ClientProblem> = new Set(['redirect_uri_required', 'native_https_loopback']);

/** The gate's verdict for this request (oidc/registration-gate.ts), kept on the request's state. */
export function setRegistrationVia(ctx: { state: Record<string, unknown> }, via: RegistrationVia): void {
  ctx.state.registrationVia = via;
}

function viaOf(ctx: KoaContextWithOIDC): RegistrationVia {
  // An update keeps what the client registered with (RFC 7592); a new registration takes the gate's.
  const state = ctx.state as Record<string, unknown>;
  const existing: unknown = ctx.oidc.route === 'client_update' ? (ctx.oidc.client?.metadata() as Record<string, unknown> | undefined)?.[DYNAMIC_REGISTRATION] : state.registrationVia;
  if (existing !== 'token' && existing !== 'open-native') throw new errors.InvalidClientMetadata('this client cannot be managed here');
  return existing;
}

const refuse = (description: string) => new errors.InvalidClientMetadata(description);
/** The library answers invalid_redirect_uri for a description that starts with `redirect_uris`. */
const refuseRedirect = (description: string) => new errors.InvalidClientMetadata(`redirect_uris: ${description}`);

/** Loopback http or a private-use scheme: where only the app on this device listens (RFC 8252 §7). */
const isNativeRedirect = (uri: string) => isPrivateUseRedirect(uri) || (URL.canParse(uri) && new URL(uri).protocol === 'http:' && isLoopbackHost(new URL(uri).hostname));

/** Whether this is the provider building a client from a registration or update request. */
export function isRegistering(ctx: KoaContextWithOIDC | undefined): ctx is KoaContextWithOIDC {
  return ctx !== undefined && typeof ctx.oidc?.route === 'string' && REGISTERING_ROUTES.has(ctx.oidc.route);
}

/** Checks the request's metadata and sets what the server decides; throws the OAuth error. */
export function applyRegistrationPolicy(ctx: KoaContextWithOIDC, metadata: Record<string, unknown>): void {
  const via = viaOf(ctx);
  const sent = (ctx.oidc.body ?? {}) as Record<string, unknown>;
  if (sent[FIRST_PARTY] === true) throw refuse('a registered client is always third-party');
  if (sent[RESOURCE_SERVER] === true) throw refuse('a registered client cannot be a resource server');
  for (const field of FETCHED_URIS) if (sent[field] !== undefined) throw refuse(`${field} is not accepted at registration`);

  const input: Record<string, unknown> = Object.fromEntries(ADMIN_FIELDS.filter((field) => sent[field] !== undefined).map((field) => [field, sent[field]]));
  const named = input.client_name !== undefined;
  input.client_name ??= NAME_PLACEHOLDER;
  if (via === 'open-native') input.token_endpoint_auth_method ??= 'none';
  const fields = clientCreateInputSchema.safeParse(input);
  if (!fields.success) {
    const onRedirects = fields.error.issues.some((issue) => issue.path[0] === 'redirect_uris' || issue.path[0] === 'post_logout_redirect_uris');
    throw (onRedirects ? refuseRedirect : refuse)(formatIssues(fields.error));
  }
  const parsed = createClientSchema.safeParse({ ...fields.data, public: fields.data.token_endpoint_auth_method === 'none' });
  if (!parsed.success) {
    const shape = { ...fields.data, public: fields.data.token_endpoint_auth_method === 'none', grant_types: fields.data.grant_types ?? ['authorization_code'], redirect_uris: fields.data.redirect_uris ?? [], token_endpoint_auth_method: fields.data.token_endpoint_auth_method ?? 'client_secret_basic' };
    const onRedirects = clientProblems(shape).some((problem) => REDIRECT_PROBLEMS.has(problem));
    throw (onRedirects ? refuseRedirect : refuse)(clientProblemTexts(shape).join('; ') || formatIssues(parsed.error));
  }
  const client = parsed.data;
  const allowed = via === 'open-native' ? OPEN_NATIVE_GRANTS : TOKEN_GRANTS;
  const refused = client.grant_types.find((grant) => !allowed.has(grant));
  if (refused === DEVICE_CODE_GRANT) throw refuse('the device code grant needs an initial access token: ask the operator for one');
  if (refused) throw refuse(`the ${refused} grant is not available to registered clients`);
  if (via === 'open-native') {
    if (!client.public) throw refuse('without an initial access token, only a public client (token_endpoint_auth_method "none") can register');
    if (client.redirect_uris.length === 0) throw refuseRedirect('without an initial access token, at least one loopback http or private-use scheme redirect URI is required');
    const web = [...client.redirect_uris, ...client.post_logout_redirect_uris].find((uri) => !isNativeRedirect(uri));
    if (web) throw refuseRedirect(`"${web}": without an initial access token, only loopback http or private-use scheme redirect URIs are accepted (RFC 8252)`);
  }

  // The stored client is the library's own fields and the allow-listed ones; nothing else the
  // request sent survives (the library fills its defaults back in after this validator).
  const kept: Record<string, unknown> = Object.fromEntries(LIBRARY_FIELDS.filter((field) => metadata[field] !== undefined).map((field) => [field, metadata[field]]));
  // The library decides on a secret from the request before this runs: a client we make public
  // (open-native's default) must not keep one.
  if (client.public) {
    delete kept.client_secret;
    delete kept.client_secret_expires_at;
  }
  for (const key of Object.keys(metadata)) delete metadata[key];
  Object.assign(metadata, kept, {
    ...(named && { client_name: client.client_name }),
    redirect_uris: client.redirect_uris,
    post_logout_redirect_uris: client.post_logout_redirect_uris,
    grant_types: client.grant_types,
    response_types: client.grant_types.includes('authorization_code') ? ['code'] : [],
    scope: client.scope,
    token_endpoint_auth_method: client.token_endpoint_auth_method,
    id_token_signed_response_alg: client.id_token_signed_response_alg,
    ...(client.jwks && { jwks: client.jwks }),
    ...(client.require_pushed_authorization_requests && { require_pushed_authorization_requests: true }),
    ...(client.dpop_bound_access_tokens && { dpop_bound_access_tokens: true }),
    application_type: via === 'open-native' || isNativeClient(client) || sent.application_type === 'native' ? 'native' : 'web',
    [FIRST_PARTY]: false,
    [RESOURCE_SERVER]: false,
    [DYNAMIC_REGISTRATION]: via,
  });
}
