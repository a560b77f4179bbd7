/**
 * Who may learn about a token at the introspection endpoint (`features.introspection.allowedPolicy`;
 * RFC 7662 §2.1 and §4: the server decides which protected resources may introspect which tokens).
 * - A token's own client may introspect it (public clients included).
 * - A client registered as a resource server (oidc/client-flags.ts, confidential only) may
 *   introspect the access tokens of other clients; never their refresh tokens, which only ever
 *   travel between their client and the token endpoint.
 * - Nothing about a token whose client is gone (deleted): it is inactive for everyone. This also
 *   keeps the library from reading a missing client's settings, which was a 500.
 * A refusal reads `{ "active": false }`, the answer an unknown token gets, so nothing is learnt.
 */
import type { Client, KoaContextWithOIDC } from 'oidc-provider';
import { isResourceServer } from './client-flags.js';

interface IntrospectedToken {
  kind: string;
  clientId?: string;
}

export async function introspectionAllowed(ctx: KoaContextWithOIDC, client: Client, token: IntrospectedToken): Promise<boolean> {
  if (token.clientId === client.clientId) return true;
  if (!isResourceServer(client) || client.clientAuthMethod === 'none' || token.kind === 'RefreshToken' || !token.clientId) return false;
  return (await ctx.oidc.provider.Client.find(token.clientId)) !== undefined;
}
