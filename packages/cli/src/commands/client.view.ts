/** Human output for clients: one block per client, one table for the list. */
import { isPublicClient, type ClientView } from '@portcullis/contract';
import type { Writer } from '../io.js';
import { printBlock, printLine, printTable, safe } from '../output.js';

const PAGE_LINK_LABELS = { logo_uri: 'Logo', client_uri: 'Home page', policy_uri: 'Privacy policy', tos_uri: 'Terms of service' } as const;

/** Public or confidential, as the contract derives it; "(built-in)" for the server's own clients. */
function kind(client: ClientView): string {
  return `${isPublicClient(client) ? 'public' : 'confidential'}${client.built_in ? ' (built-in)' : ''}${client.dynamic_registration ? ' (registered itself)' : ''}`;
}

export function printClient(out: Writer, client: ClientView): void {
  printBlock(out, [
    ['Client ID', client.client_id],
    ['Name', client.client_name],
    ['Type', kind(client)],
    ['First party', client.first_party],
    // The account page's or the demo's: read-only, the server registers it at every start.
    ['Built-in', client.built_in ? 'yes (read-only)' : false],
    // `--introspect`: may introspect other clients' access tokens (RFC 7662 §4).
    ['Resource server', client.resource_server],
    // Registered at the registration endpoint (RFC 7591): `token` or `open-native`.
    ...(client.dynamic_registration ? [['Registered via', client.dynamic_registration] as const] : []),
    // `--require-verified-email`: sign-ins wait for a verified email address.
    ['Verified email', client.require_verified_email],
    ['Auth method', client.token_endpoint_auth_method],
    ['ID token alg', client.id_token_signed_response_alg],
    ['Grant types', client.grant_types],
    ['Response types', client.response_types],
    ['Redirect URIs', client.redirect_uris],
    ['Post-logout URIs', client.post_logout_redirect_uris],
    ['Back-channel logout', client.backchannel_logout_uri],
    ['Scope', client.scope],
    ['Requires PAR', client.require_pushed_authorization_requests],
    ['Requires DPoP', client.dpop_bound_access_tokens],
    ...(client.jwks === null ? [] : [['JWKS', `${client.jwks.keys.length} key(s), registered inline`] as const]),
    ...(client.jwks_uri === null ? [] : [['JWKS URI', client.jwks_uri] as const]),
    ...(['logo_uri', 'client_uri', 'policy_uri', 'tos_uri'] as const).filter((field) => client[field]).map((field) => [PAGE_LINK_LABELS[field], client[field]] as const),
    ['Created', client.created_at],
    ['Updated', client.updated_at],
    ...(client.client_secret === undefined ? [] : [['Client secret', client.client_secret] as const]),
  ]);
  if (client.client_secret !== undefined) {
    printLine(out, '');
    printLine(out, 'The client secret is shown only once: store it now.');
    printLine(out, `If it is lost, \`portcullis clients rotate-secret ${safe(client.client_id)}\` issues a new one.`);
  }
}

export function printClientList(out: Writer, clients: readonly ClientView[]): void {
  if (clients.length === 0) {
    printLine(out, 'No clients.');
    return;
  }
  printTable(out, clients, [
    { header: 'CLIENT ID', value: (c) => c.client_id },
    { header: 'NAME', value: (c) => c.client_name },
    { header: 'TYPE', value: kind },
    { header: 'FIRST PARTY', value: (c) => c.first_party },
    { header: 'GRANT TYPES', value: (c) => c.grant_types },
    { header: 'CREATED', value: (c) => c.created_at },
  ]);
}
