/**
 * Every way a session ends other than expiry goes through here, so each one revokes the same
 * things, tells the same clients and leaves the same audit trail (SECURITY.md A9, A16, R16):
 * - `end`: a person or an admin ends chosen sessions (the account page's "Sign out", its
 *   sessions list, `users revoke-sessions`, `users disable`). Each session is destroyed, the
 *   grants made in it are revoked with their tokens, each of its clients that registered a
 *   `backchannel_logout_uri` gets a logout token (oidc/account-artefacts.ts), and one
 *   `session.revoked` event is written per session with its reason.
 * - `afterCredentialChange`: a password change, or a second factor turned on or off. Every other
 *   session ends the same way and every grant of the account is revoked: whatever was obtained
 *   under the old credentials must not outlive the change. The caller's own event (e.g.
 *   `mfa.enabled`) carries the counts: one event for one action.
 */
import type { AccountArtefacts, SessionSummary } from '../oidc/account-artefacts.js';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';

export type EndReason = 'sign_out' | 'account_page' | 'admin' | 'user_disabled';

export interface CredentialChangeResult {
  sessionsEnded: number;
  grantsRevoked: number;
}

export interface SessionEnding {
  /** Ends `sessions` of `accountId`; one `session.revoked` event each. */
  end(accountId: string, sessions: readonly Pick<SessionSummary, 'id' | 'handle'>[], why: { reason: EndReason; clientId?: string | null; meta: RequestMeta }): Promise<number>;
  /** Ends every session (one event each) and revokes every grant: `users disable`, `users revoke-sessions`. */
  endAll(accountId: string, why: { reason: EndReason; meta: RequestMeta }): Promise<CredentialChangeResult>;
  /** Ends every session but `keep.sessionId` and revokes every grant of the account. */
  afterCredentialChange(accountId: string, keep?: { sessionId?: string }): Promise<CredentialChangeResult>;
  listSessions: AccountArtefacts['listSessions'];
}

export function createSessionEnding(deps: { artefacts: AccountArtefacts; audit: AuditService }): SessionEnding {
  const { artefacts } = deps;
  const ending: SessionEnding = {
    async end(accountId, sessions, why) {
      for (const session of sessions) {
        await artefacts.endSession(session);
        await deps.audit.record({ type: 'session.revoked', accountId, clientId: why.clientId ?? null, detail: { reason: why.reason, session: session.handle } }, why.meta);
      }
      return sessions.length;
    },

    async endAll(accountId, why) {
      const sessionsEnded = await ending.end(accountId, await artefacts.listSessions(accountId), why);
      return { sessionsEnded, grantsRevoked: await artefacts.revokeGrants(accountId) };
    },

    async afterCredentialChange(accountId, keep = {}) {
      const sessionsEnded = (await artefacts.endSessions(accountId, keep.sessionId)).length;
      const grantsRevoked = await artefacts.revokeGrants(accountId);
      return { sessionsEnded, grantsRevoked };
    },

    listSessions: (accountId) => artefacts.listSessions(accountId),
  };
  return ending;
}
