/**
 * The start of a sign-in by one of the server's own relying parties (the embedded demo, the
 * account page): a fresh PKCE verifier, state and nonce, and the authorization URL built from
 * them. The caller keeps `pending` (in a signed cookie) to check the callback against.
 */
import * as oidc from 'openid-client';

export interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
}

export async function beginSignIn(config: oidc.Configuration, params: { redirectUri: string; scope: string; acrValues?: string; prompt?: 'login' }): Promise<{ url: URL; pending: PendingSignIn }> {
  const pending = { verifier: oidc.randomPKCECodeVerifier(), state: oidc.randomState(), nonce: oidc.randomNonce() };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: params.redirectUri,
    scope: params.scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
    ...(params.acrValues && { acr_values: params.acrValues }),
    ...(params.prompt && { prompt: params.prompt }),
  });
  return { url, pending };
}
