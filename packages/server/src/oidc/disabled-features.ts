/**
 * Every node-oidc-provider feature Portcullis does not offer, switched off by name (SECURITY.md
 * A18). Library defaults are not a design: dPoP, pushedAuthorizationRequests and
 * resourceIndicators are on unless told otherwise; each is now configured on purpose (par.ts,
 * dpop.ts, resource-indicators.ts) rather than left to its default.
 * The features we do offer are configured, each with its tests, in configuration.ts; together
 * the two lists name every feature the library knows (disabled-features.test.ts checks it, so a
 * library upgrade that adds one fails a test instead of slipping in).
 * Turning one of these on is a change with its own tests and a new discovery pin
 * (test/discovery.test.ts).
 */
import type { Configuration } from 'oidc-provider';

type Features = NonNullable<Configuration['features']>;

export const DISABLED_FEATURES = {
  // The library's development-only login pages; ours are in interactions/.
  devInteractions: { enabled: false },
  // RFC 9101 (JAR) request objects; discovery says `request_parameter_supported` is absent (false).
  requestObjects: { enabled: false },
  // OpenID Connect Core §5.5: the `claims` request parameter (essential claims, acr included).
  claimsParameter: { enabled: false },
  // OpenID Connect CIBA.
  ciba: { enabled: false },
  // JARM, JWT introspection responses, signed userinfo and every JWE: plain JSON and JWS ID tokens only.
  jwtResponseModes: { enabled: false },
  jwtIntrospection: { enabled: false },
  jwtUserinfo: { enabled: false },
  encryption: { enabled: false },
  // RFC 8705 mutual TLS, FAPI profiles and RFC 9396 rich authorization requests.
  mTLS: { enabled: false },
  fapi: { enabled: false },
  richAuthorizationRequests: { enabled: false },
  rpMetadataChoices: { enabled: false },
  // Drafts and experiments.
  webMessageResponseMode: { enabled: false },
  externalSigningSupport: { enabled: false },
  attestClientAuth: { enabled: false },
  clientIdMetadataDocument: { enabled: false },
  openid4vci: { enabled: false },
} satisfies Features;

/**
 * RFC 7591 / 7592 dynamic registration: off unless DYNAMIC_REGISTRATION says otherwise
 * (oidc/registration.ts, test/protocol-registration.test.ts).
 */
export const CONFIGURED_FEATURES = ['registration', 'registrationManagement'] as const;

/** The features configuration.ts turns on (each has its tests; see docs/security.md A18). */
export const ENABLED_FEATURES = ['introspection', 'revocation', 'userinfo', 'clientCredentials', 'rpInitiatedLogout', 'backchannelLogout', 'resourceIndicators', 'pushedAuthorizationRequests', 'dPoP', 'deviceFlow'] as const;
