/**
 * The branding's links in the discovery document (OpenID Connect Discovery 1.0 §3), each only
 * when set: `service_documentation` (the support link), `op_policy_uri` (privacy policy) and
 * `op_tos_uri` (terms). They change at run time (`portcullis branding set`), so they are added to
 * the provider's answer here rather than fixed in its configuration; oidc/provider-documents.ts
 * keeps one cached body per value of `discoveryBrandingKey`.
 */
import type { Middleware } from 'koa';
import { currentBranding, type Branding } from './branding-scope.js';
import { METADATA_PATHS } from '../oidc/provider-documents.js';

/** OpenID Connect Discovery, and the same document at the RFC 8414 address. */
const DISCOVERY_PATHS: ReadonlySet<string> = new Set(METADATA_PATHS);

export function discoveryBrandingFields(b: Branding): Record<string, string> {
  return {
    ...(b.supportUrl && { service_documentation: b.supportUrl }),
    ...(b.privacyUrl && { op_policy_uri: b.privacyUrl }),
    ...(b.termsUrl && { op_tos_uri: b.termsUrl }),
  };
}

export const discoveryBrandingKey = (): string => JSON.stringify(discoveryBrandingFields(currentBranding()));

export function discoveryBranding(): Middleware {
  return async (ctx, next) => {
    await next();
    if (!DISCOVERY_PATHS.has(ctx.path) || ctx.status !== 200 || typeof ctx.body !== 'object' || ctx.body === null) return;
    Object.assign(ctx.body as Record<string, unknown>, discoveryBrandingFields(currentBranding()));
  };
}
