/**
 * The embedded demo's relying party: a public, first-party client that signs in against this
 * very server with authorization code + PKCE, using openid-client like any third-party app
 * would.
 */
import type { ClientService } from '../clients/client.service.js';

export const DEMO_CLIENT_ID = 'portcullis-demo';
export const DEMO_SCOPE = 'openid profile email offline_access';

export function demoClientBody(issuer: string) {
  return {
    client_name: 'Portcullis demo',
    redirect_uris: [`${issuer}/demo/callback`],
    post_logout_redirect_uris: [`${issuer}/demo`],
    public: true,
    first_party: true,
    grant_types: ['authorization_code', 'refresh_token'],
    scope: DEMO_SCOPE,
  };
}

export async function registerDemoClient(clients: ClientService, issuer: string): Promise<void> {
  await clients.ensure(DEMO_CLIENT_ID, demoClientBody(issuer));
}
