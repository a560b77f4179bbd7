/**
 * RP-initiated logout (`/session/end`) is the provider's own way of ending a session: it destroys
 * the session, sends the back-channel logout tokens and revokes the grants made in it, keeping
 * those with `offline_access` (OpenID Connect semantics: offline access is meant to outlive the
 * browser session). It goes through the library rather than accounts/session-ending.ts, so this
 * listener gives it the same audit trail as every other ending: one `session.revoked` event with
 * reason `logout` when the whole session ended ("Sign out" on the confirmation page).
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AuditService } from '../audit/audit.service.js';
import { requestMeta } from '../audit/audit.service.js';
import { sessionHandle } from './account-artefacts.js';

export function auditLogouts(provider: Provider, audit: AuditService): void {
  provider.on('end_session.success', (ctx: KoaContextWithOIDC) => {
    const { session, params, client } = ctx.oidc;
    // Without `logout`, only the requesting client's part of the session ended (the person kept
    // the session for the others): no session ended, nothing to record.
    if (!session?.accountId || !params?.logout) return;
    void audit.record({ type: 'session.revoked', accountId: session.accountId, clientId: client?.clientId ?? null, detail: { reason: 'logout', session: sessionHandle(session.uid) } }, requestMeta(ctx));
  });
}
