/**
 * The account page signs its users in as a client of this very server, like any application:
 * a public, first-party client with authorization code + PKCE, registered at every start in
 * every mode. openid-client talks to this instance's own listener (oidc/own-issuer.ts), so the
 * public ISSUER URL need not be reachable from the server itself.
 */
import type { ClientService } from '../clients/client.service.js';

export const ACCOUNT_CLIENT_ID = 'portcullis-account';
export const ACCOUNT_SCOPE = 'openid email';

export function accountClientBody(issuer: string) {
  return {
    client_name: 'Your Portcullis account',
    redirect_uris: [`${issuer}/account/callback`],
    post_logout_redirect_uris: [`${issuer}/account`],
    public: true,
    first_party: true,
    grant_types: ['authorization_code'],
    scope: ACCOUNT_SCOPE,
  };
}

export async function registerAccountClient(clients: ClientService, issuer: string): Promise<void> {
  await clients.ensure(ACCOUNT_CLIENT_ID, accountClientBody(issuer));
}

export type { OwnRelyingParty as AccountRelyingParty } from '../oidc/own-issuer.js';
