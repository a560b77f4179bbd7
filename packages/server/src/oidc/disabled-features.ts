/**
 * Every node-oidc-provider feature Portcullis does not offer, switched off by name (SECURITY.md
 * A18). Library defaults are not a design: three of these are on unless told otherwise (dPoP,
 * pushedAuthorizationRequests, resourceIndicators) and would be live, advertised and untested.
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
  // RFC 9126 (PAR): on by default; any anonymous public client could store a ~55 KB request.
  pushedAuthorizationRequests: { enabled: false },
  // RFC 9449 (DPoP): on by default; sender-constrained tokens are not designed or tested here.
  dPoP: { enabled: false },
  // RFC 8707: on by default; with no resource servers configured every `resource` got invalid_target.
  resourceIndicators: { enabled: false },
  // RFC 9101 (JAR) request objects; discovery says `request_parameter_supported` is absent (false).
  requestObjects: { enabled: false },
  // OpenID Connect Core §5.5: the `claims` request parameter (essential claims, acr included).
  claimsParameter: { enabled: false },
  // OpenID Connect CIBA.
  ciba: { enabled: false },
  // RFC 7591 / 7592: clients are registered by the admin API and the CLI only.
  registration: { enabled: false },
  registrationManagement: { enabled: false },
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

/** The features configuration.ts turns on (each has its tests; see docs/security.md A18). */
export const ENABLED_FEATURES = ['introspection', 'revocation', 'userinfo', 'clientCredentials', 'rpInitiatedLogout', 'backchannelLogout', 'deviceFlow'] as const;
