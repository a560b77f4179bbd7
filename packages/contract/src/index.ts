/**
 * What the server and the `portcullis` CLI agree on, so neither holds a copy of the other's rules:
 * client registration rules (client-rules.ts), the bodies a client is registered and updated with
 * (client-input.schemas.ts), the admin API's answers (admin-api.schemas.ts) and the bounds of
 * its list queries (admin-api.queries.ts), the links and colours pages show (public-links.ts,
 * branding.schemas.ts), where the CLI finds the admin API (admin-access.ts), and the release (version.ts).
 * Depends on zod only; imports nothing from the server or the CLI.
 */
export * from './client-rules.js';
export * from './client-keys.js';
export * from './client-input.schemas.js';
export * from './admin-api.schemas.js';
export * from './admin-api.queries.js';
export * from './admin-access.js';
export * from './version.js';
export * from './public-links.js';
export * from './display-name.js';
export * from './branding.schemas.js';
export * from './resource.schemas.js';
export * from './registration-token.schemas.js';
export * from './user-lifecycle.schemas.js';
