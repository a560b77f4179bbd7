/**
 * Dynamic client registration (RFC 7591) and the refresh-token reuse window: two protocol
 * choices an operator makes once (README "Configuration").
 * - DYNAMIC_REGISTRATION: `off` (the default: clients come from the admin API and the CLI only),
 *   `token` (a registration needs an initial access token from `portcullis clients
 *   registration-token create`), or `open-native` (as `token`, and a request without one may
 *   register a public native or loopback client, RFC 8252).
 * - REFRESH_REUSE_WINDOW: seconds during which the same refresh token, presented again by the
 *   same client, gets the same answer instead of revoking the grant (docs/security.md); 0 turns
 *   the window off, so any reuse revokes at once. At most 60: the window is a retry allowance,
 *   not a second life for the token.
 */
import { z } from 'zod';

export const DYNAMIC_REGISTRATION_MODES = ['off', 'token', 'open-native'] as const;
export type DynamicRegistrationMode = (typeof DYNAMIC_REGISTRATION_MODES)[number];

/** The reuse window when REFRESH_REUSE_WINDOW is not set, in seconds. */
export const DEFAULT_REFRESH_REUSE_WINDOW_SECONDS = 10;
const MAX_REFRESH_REUSE_WINDOW_SECONDS = 60;

const windowMessage = `must be a whole number of seconds (0-${MAX_REFRESH_REUSE_WINDOW_SECONDS})`;

export const dcrEnvShape = {
  DYNAMIC_REGISTRATION: z.enum(DYNAMIC_REGISTRATION_MODES, { error: `must be one of ${DYNAMIC_REGISTRATION_MODES.join(', ')}` }).default('off'),
  REFRESH_REUSE_WINDOW: z.coerce
    .number({ error: windowMessage })
    .int(windowMessage)
    .min(0, windowMessage)
    .max(MAX_REFRESH_REUSE_WINDOW_SECONDS, windowMessage)
    .default(DEFAULT_REFRESH_REUSE_WINDOW_SECONDS),
};
