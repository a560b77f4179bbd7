/**
 * What the server and the `portcullis` CLI agree on, so neither holds a copy of the other's rules:
 * client registration rules (client-rules.ts), the bodies a client is registered and updated with
 * (client-input.schemas.ts) and the admin API's answers (admin-api.schemas.ts).
 * Depends on zod only; imports nothing from the server or the CLI.
 */
export * from './client-rules.js';
export * from './client-input.schemas.js';
export * from './admin-api.schemas.js';
