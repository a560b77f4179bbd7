/**
 * node-oidc-provider configuration: every choice the library leaves to a deployment, made once.
 * See docs/README.md of node-oidc-provider for each key; SECURITY.md rules are cited inline.
 */
import { errors } from 'oidc-provider';
import type { Configuration, JWKS, KoaContextWithOIDC } from 'oidc-provider';
import type { AccountRepository } from '@portcullis/db';
import { ID_TOKEN_ALGS } from '@portcullis/contract';
import type { ConsentService } from '../consents/consent.service.js';
import { clientBasedCORS } from './cors.js';
import { createFindAccount } from './find-account.js';
import { createLoadExistingGrant } from './load-existing-grant.js';
import { LIFETIMES, refreshTokenTtl, sessionTtl } from './lifetimes.js';
import { FIRST_PARTY, REQUIRE_VERIFIED_EMAIL, RESOURCE_SERVER } from './client-flags.js';
import { introspectionAllowed } from './introspection-policy.js';
import { logoutSource, postLogoutSuccessSource, renderError } from './pages.js';
import { ACR } from './acr.js';
import { buildInteractionPolicy } from './mfa-policy.js';
import { createOutgoingFetch } from './outgoing-fetch.js';
import type { UnsafeTestOnlyJwksOrigin } from './jwks-fetch-guard.js';
import { assertJwtClientAuthClaimsAndHeader, CLIENT_ASSERTION_ALGS, CLIENT_AUTH_METHODS, fetchResponseBodyLimits } from './client-auth.js';
import { dpopFeature, DPOP_SIGNING_ALGS } from './dpop.js';
import { pushedAuthorizationRequestsFeature } from './par.js';
import { impliedConsentParam } from './offline-access.js';
import { DISABLED_FEATURES } from './disabled-features.js';
import { deviceFlowFeature } from './device-flow.js';
import { orUnavailable } from '../stores/unavailable.js';
import { refuseUnknownTokenScopes, scopeCheckParam, type ApiScopes } from './api-scopes.js';
import { interactionPaths } from '../interactions/paths.js';
import { narrowRefreshToResourceRule } from './refresh-resource-scopes.js';
import { refuseUndefinedResourceScopes, resourceIndicatorsFeature, resourceScopeCheckParam, resourceTokenTtl } from './resource-indicators.js';
import type { ResourceRegistry } from '../resources/resource-registry.js';
import { SUPPORTED_LOCALES } from '../messages/locales.js';
import type { DynamicRegistrationMode } from '@portcullis/config';
import { registrationFeatures } from './registration.js';
import { applyRegistrationPolicy, isRegistering } from './registration-policy.js';
import { DYNAMIC_REGISTRATION } from './client-flags.js';

export interface ProviderConfigDeps {
  issuer: string;
  cookieKeys: string[];
  jwks: JWKS;
  adapter: NonNullable<Configuration['adapter']>;
  accounts: AccountRepository;
  /** Decides which requests skip the consent page (consents/consent.service.ts). */
  consent: Pick<ConsentService, 'coveredGrant'>;
  /** Whether an account has a second factor set up (mfa/factors/): a pwd-only session of it is asked for a code. */
  secondStepDue(accountId: string): Promise<boolean>;
  /** The scopes the provider serves: OpenID Connect's and the clients' API scopes (api-scopes.ts). */
  apiScopes: ApiScopes;
  /** Resource servers (RFC 8707) tokens may be issued for (oidc/resource-indicators.ts). */
  resources: Pick<ResourceRegistry, 'find' | 'list'>;
  /** DYNAMIC_REGISTRATION (oidc/registration.ts); off when absent. */
  dynamicRegistration?: DynamicRegistrationMode;
  /** Tests only (jwks-fetch-guard.ts); never set in a deployment. */
  unsafeTestOnlyJwksOrigin?: UnsafeTestOnlyJwksOrigin;
}

export function buildProviderConfiguration(deps: ProviderConfigDeps): Configuration {
  const https = deps.issuer.startsWith('https://');
  // SECURITY.md A10: `__Host-` needs Secure and Path=/ (the session cookie); the interaction
  // cookies are scoped to a path, so they take `__Secure-`.
  const cookieNames = https
    ? { session: '__Host-portcullis.session', interaction: '__Secure-portcullis.interaction', resume: '__Secure-portcullis.resume' }
    : { session: 'portcullis.session', interaction: 'portcullis.interaction', resume: 'portcullis.resume' };

  return {
    adapter: deps.adapter,
    fetch: createOutgoingFetch(deps.unsafeTestOnlyJwksOrigin),
    fetchResponseBodyLimits,
    jwks: deps.jwks,
    findAccount: createFindAccount(deps.accounts),
    loadExistingGrant: createLoadExistingGrant(deps.consent),
    clients: [],
    // Marks a prompt=consent that offline_access implied (oidc/offline-access.ts, SECURITY.md A17);
    // refuses a scope the client is not registered with (oidc/api-scopes.ts).
    // refuses a scope no requested resource defines, or a resource's scope without that resource
    // (oidc/resource-indicators.ts).
    extraParams: { ...impliedConsentParam, ...scopeCheckParam, ...resourceScopeCheckParam(deps.resources) },
    // Adds no claims: refuses a client_credentials scope the client is not registered with, or
    // that the requested resource does not define; a resource's scope in a token without it.
    extraTokenClaims: (ctx, token) => {
      refuseUndefinedResourceScopes(deps.resources, ctx, token);
      return refuseUnknownTokenScopes(ctx, token);
    },
    extraClientMetadata: {
      properties: [FIRST_PARTY, RESOURCE_SERVER, DYNAMIC_REGISTRATION, REQUIRE_VERIFIED_EMAIL],
      validator(ctx, key, _value, metadata) {
        // A client built from a registration request meets the registration policy first (RFC 7591).
        if (key === FIRST_PARTY && isRegistering(ctx)) applyRegistrationPolicy(ctx, metadata);
        if (key === DYNAMIC_REGISTRATION) return;
        const set = (metadata as Record<string, unknown>)[key];
        if (set !== undefined && typeof set !== 'boolean') throw new TypeError(`${key} must be a boolean`);
      },
    },
    // The OpenID Connect scopes (@portcullis/contract) and every API scope of a loaded client.
    scopes: deps.apiScopes.list(),
    // SECURITY.md A5: `acr` and `amr` say how the person signed in (oidc/acr.ts); they ride in
    // every ID token through the openid scope.
    acrValues: [ACR.password, ACR.mfa],
    claims: {
      openid: ['sub', 'acr', 'amr', 'auth_time'],
      email: ['email', 'email_verified'],
      profile: ['name'],
    },
    // ID tokens carry the scope's claims even when an access token is issued too.
    conformIdTokenClaims: false,
    // SECURITY.md R6: authorization code only; no implicit, no hybrid.
    responseTypes: ['code'],
    // SECURITY.md R4: PKCE for every client. The library accepts only S256.
    pkce: { required: () => true },
    clientBasedCORS,
    cookies: {
      names: cookieNames,
      keys: deps.cookieKeys,
      long: { httpOnly: true, sameSite: 'lax', secure: https },
      short: { httpOnly: true, sameSite: 'lax', secure: https },
    },
    ttl: {
      AuthorizationCode: LIFETIMES.authorizationCode,
      // A resource's own lifetime for its tokens (oidc/resource-indicators.ts).
      AccessToken: resourceTokenTtl(LIFETIMES.accessToken),
      ClientCredentials: resourceTokenTtl(LIFETIMES.clientCredentials),
      IdToken: LIFETIMES.idToken,
      Interaction: LIFETIMES.interaction,
      DeviceCode: LIFETIMES.deviceCode,
      // SECURITY.md A8: 12 h from sign-in at most, 2 h idle (oidc/lifetimes.ts).
      Session: (_ctx, session) => sessionTtl(session.loginTs, Math.floor(Date.now() / 1000)),
      Grant: LIFETIMES.grant,
      RefreshToken: (_ctx, token) => refreshTokenTtl((token as { iiat?: number }).iiat, Math.floor(Date.now() / 1000)),
    },
    // SECURITY.md R7: every refresh rotates; a replayed one revokes the whole grant. Before the
    // old token is consumed, a grant's scopes that became a resource's are dropped.
    rotateRefreshToken: narrowRefreshToResourceRule(deps.resources),
    issueRefreshToken: (_ctx, client, code) =>
      Promise.resolve(client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access')),
    clockTolerance: LIFETIMES.clockTolerance,
    // SECURITY.md A18: what registration accepts (clients/client-input.schema.ts), nothing more
    // (oidc/client-auth.ts: private_key_jwt and its checks).
    clientAuthMethods: [...CLIENT_AUTH_METHODS],
    assertJwtClientAuthClaimsAndHeader,
    subjectTypes: ['public'],
    // The algorithms a client may pick for its ID tokens (and so its logout tokens), sign its
    // private_key_jwt assertions with (client-auth.ts) and its DPoP proofs (dpop.ts): the tested
    // ones. Every other list belongs to a feature that is off (disabled-features.ts).
    enabledJWA: {
      idTokenSigningAlgValues: [...ID_TOKEN_ALGS],
      clientAuthSigningAlgValues: [...CLIENT_ASSERTION_ALGS],
      requestObjectSigningAlgValues: [],
      userinfoSigningAlgValues: [],
      introspectionSigningAlgValues: [],
      authorizationSigningAlgValues: [],
      dPoPSigningAlgValues: [...DPOP_SIGNING_ALGS],
      attestSigningAlgValues: [],
      idTokenEncryptionAlgValues: [],
      idTokenEncryptionEncValues: [],
      requestObjectEncryptionAlgValues: [],
      requestObjectEncryptionEncValues: [],
      userinfoEncryptionAlgValues: [],
      userinfoEncryptionEncValues: [],
      introspectionEncryptionAlgValues: [],
      introspectionEncryptionEncValues: [],
      authorizationEncryptionAlgValues: [],
      authorizationEncryptionEncValues: [],
    },
    // OpenID Connect Core §3.1.2.1: a POSTed authorization request is answered by
    // http/authorization-post.ts with a 303 to the same request as GET; the library's own POST
    // routes would need SameSite=None cookies.
    enableHttpPostMethods: false,
    features: {
      ...DISABLED_FEATURES,
      ...registrationFeatures(deps.dynamicRegistration ?? 'off'),
      introspection: {
        enabled: true,
        // Own tokens, or other clients' access tokens for a registered resource server.
        allowedPolicy: introspectionAllowed,
      },
      revocation: {
        enabled: true,
        // RFC 7009 §2.1: a client may revoke only its own tokens. A confidential client asking
        // for another's is told so; a public one gets the answer an unknown token gets, so it
        // cannot probe for valid tokens.
        allowedPolicy: (_ctx, client, token) => {
          if (token.clientId === client.clientId) return Promise.resolve(true);
          if (client.clientAuthMethod === 'none') return Promise.resolve(false);
          throw new errors.InvalidRequest('client is not authorized to revoke the presented token');
        },
      },
      userinfo: { enabled: true },
      clientCredentials: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => Promise.resolve(logoutSource(ctx as never, form)),
        postLogoutSuccessSource: (ctx) => Promise.resolve(postLogoutSuccessSource(ctx as never)),
      },
      // OpenID Connect Back-Channel Logout 1.0: a client that registered backchannel_logout_uri
      // gets a signed logout token when a session with it ends, by RP-initiated logout (the
      // library) or by revocation, disabling or a credential change (oidc/account-artefacts.ts).
      backchannelLogout: { enabled: true },
      // RFC 8707 + RFC 9068: access tokens for a registered API (oidc/resource-indicators.ts).
      resourceIndicators: resourceIndicatorsFeature(deps.resources),
      // RFC 9126 and RFC 9449 (oidc/par.ts, oidc/dpop.ts).
      pushedAuthorizationRequests: pushedAuthorizationRequestsFeature(),
      dPoP: dpopFeature(deps.cookieKeys),
      // RFC 8628: TVs and CLIs sign in at /device (oidc/device-flow.ts).
      deviceFlow: deviceFlowFeature({ emailOf: (accountId) => orUnavailable(deps.accounts.findById(accountId)).then((a) => (a && !a.disabled ? a.email : undefined)) }),
    },
    interactions: {
      // A just-confirmed address must count at once: read on the primary, not a replica.
      policy: buildInteractionPolicy({ secondStepDue: (accountId) => deps.secondStepDue(accountId), emailVerified: async (accountId) => (await deps.accounts.findCredentialsById(accountId))?.emailVerified ?? false }),
      url: (_ctx: KoaContextWithOIDC, interaction) => interactionPaths(interaction.uid).start,
    },
    renderError: (ctx, out) => Promise.resolve(renderError(ctx as never, out as never)),
    // The languages of our pages (messages/locales.ts). No claims_locales_supported: claim values
    // are stored as people typed them and never localised, so claiming languages for them would
    // promise what the server does not do (OpenID Connect Discovery §3 makes it optional).
    // service_documentation, op_policy_uri and op_tos_uri come from the branding, when set
    // (branding/discovery-branding.ts).
    discovery: {
      ui_locales_supported: [...SUPPORTED_LOCALES],
    },
  };
}
