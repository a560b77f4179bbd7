/**
 * The flags `clients create` and `clients update` share. Commander only collects strings here;
 * validate.ts decides what they mean; the lists are the server's (@portcullis/contract).
 */
import type { Command } from 'commander';
import { addPageLinkOptions } from './client-page-links.js';
import { addProtocolOptions } from './client-protocol-options.js';
import { AUTH_METHODS, DEFAULT_ID_TOKEN_ALG, GRANT_TYPES, ID_TOKEN_ALGS, SUPPORTED_SCOPES } from '@portcullis/contract';

/** Repeatable flag: each occurrence appends to the list. */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

export function addClientOptions(command: Command, mode: 'create' | 'update'): Command {
  const replaces = mode === 'update' ? ' (replaces the stored list)' : '';
  if (mode === 'create') command.requiredOption('--name <name>', 'client name shown on the consent page');
  else command.option('--name <name>', 'new client name');
  command
    .option('--redirect-uri <uri>', `redirect URI, matched exactly (no wildcards): https, http on a loopback host, or a native app's com.example.app:/path (--public only); repeatable${replaces}`, collect)
    .option('--post-logout-redirect-uri <uri>', `post-logout redirect URI, repeatable${replaces}`, collect)
    .option('--grant-type <grant>', `grant type, repeatable: ${GRANT_TYPES.join(', ')}${replaces}`, collect)
    .option('--scope <scopes>', `space-separated scopes the client may request: OpenID Connect scopes (${SUPPORTED_SCOPES.join(', ')}) and API scopes such as read:invoices${mode === 'create' ? ' (default: the OpenID Connect ones)' : ''}`)
    .option('--auth-method <method>', `token endpoint auth method: ${AUTH_METHODS.join(', ')}`)
    .option('--backchannel-logout-uri <uri>', `where logout tokens are POSTed when a session ends (https, or http on loopback)${mode === 'update' ? "; '' removes it" : ''}`)
    .option('--id-token-alg <alg>', `ID token signing algorithm: ${ID_TOKEN_ALGS.join(', ')} (default ${DEFAULT_ID_TOKEN_ALG})`);
  addPageLinkOptions(command, mode);
  addProtocolOptions(command, mode);
  const introspect = "resource server: may introspect other clients' access tokens (confidential clients only)";
  const requireVerified = 'kept for compatibility: every sign-in to an unconfirmed address already waits for its code or link (docs/email.md)';
  const isPublic = 'public client (no secret, e.g. a SPA or native app); auth method none';
  if (mode === 'create') {
    command
      .option('--public', isPublic)
      .option('--first-party', 'first-party client: consent is skipped')
      .option('--introspect', introspect)
      .option('--device', 'device authorization grant (RFC 8628, a TV or CLI signing in at /device): adds it to --grant-type; alone, device code + refresh_token with no redirect URI')
      .option('--require-verified-email', requireVerified)
      .option('--no-backchannel-logout-session-required', 'leave sid out of logout tokens (default: included)');
  } else {
    command
      .option('--public', `make it a ${isPublic}; its secret stops working at once`)
      .option('--no-public', 'make it confidential: a new secret is issued and shown once; auth method client_secret_basic unless --auth-method says otherwise')
      .option('--first-party', 'mark as first-party: consent is skipped')
      .option('--no-first-party', 'mark as third-party: consent is asked')
      .option('--introspect', introspect)
      .option('--no-introspect', 'no longer a resource server: introspects only its own tokens')
      .option('--require-verified-email', requireVerified)
      .option('--no-require-verified-email', 'clears the stored flag (sign-ins to unconfirmed addresses still wait for the email step)');
  }
  return command;
}
