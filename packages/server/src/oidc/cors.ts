/**
 * CORS for the token, userinfo, revocation and introspection endpoints (SECURITY.md R13): only
 * for a public client (a browser app), and only from the origin of one of its registered redirect
 * URIs. Confidential clients run on servers and need no CORS. The authorization endpoint never
 * answers with CORS headers: the provider does not call this helper for it.
 */
import type { Client, KoaContextWithOIDC } from 'oidc-provider';

export function clientBasedCORS(_ctx: KoaContextWithOIDC, origin: string, client: Client): boolean {
  if (origin === 'null' || client.clientAuthMethod !== 'none') return false;
  return (client.redirectUris ?? []).some((uri) => URL.parse(uri)?.origin === origin);
}
