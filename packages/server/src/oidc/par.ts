/**
 * RFC 9126 (PAR): a client posts its authorization request to `/request` and sends the browser
 * to `/auth` with only `client_id` and the `request_uri` it got back.
 * - Offered to every client; one registered with `require_pushed_authorization_requests`
 *   (RFC 9126 §6) gets `invalid_request` at `/auth` without a request_uri.
 * - A request_uri lives 60 s (the library's ceiling for a pushed request, RFC 9126 §2.2 suggests
 *   5 to 600 s) and is consumed when the authorization response is issued: a second use is
 *   refused with `invalid_request_uri`.
 * - The endpoint authenticates the client like `/token`, so it counts against the same limits on
 *   failed client authentications (limits/rate-limit.middleware.ts) and Nginx's token zone.
 * - The body is bounded by http/pushed-request-body.ts (413 above PAR_BODY_LIMIT_BYTES).
 */
import type { Configuration } from 'oidc-provider';

export const PAR_PATH = '/request';
/** RFC 9126 §2.2: the request_uri's lifetime, the library's maximum for a pushed request. */
export const PAR_REQUEST_URI_TTL_SECONDS = 60;

export function pushedAuthorizationRequestsFeature(): NonNullable<NonNullable<Configuration['features']>['pushedAuthorizationRequests']> {
  return {
    enabled: true,
    // Per client, through `require_pushed_authorization_requests`; discovery says false.
    requirePushedAuthorizationRequests: false,
    // A pushed request may only use the client's registered redirect URIs, as any other.
    allowUnregisteredRedirectUris: false,
  };
}
