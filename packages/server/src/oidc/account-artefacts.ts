/**
 * Lists and ends an account's sessions and revokes its grants: a password change, turning MFA
 * off, disabling the account, and revocation from the account page or the admin API
 * (SECURITY.md A9, R16); revokes the grants of one client, for one account (removing a
 * connected app, A17) or for every account (deleting the client).
 * - Finding them needs a per-account and a per-client index, which each store keeps its own
 *   way: expression indexes on `oidc_payloads` (PostgreSQL) or sorted sets (Redis). The
 *   composition root passes the stores' session index (stores/stores.ts `SessionIndex`).
 * - Deleting goes through the provider's models, so the adapter in use does the work: a
 *   session is destroyed, and a grant's codes and tokens are revoked by grant id before the
 *   grant itself goes, as the provider's own revocation does (lib/helpers/revoke.js).
 * - Ending a session also revokes the grants made in it (their refresh tokens die with the
 *   session) and sends a back-channel logout token to each of its clients that registered a
 *   `backchannel_logout_uri`, as the provider's own RP-initiated logout does
 *   (OpenID Connect Back-Channel Logout 1.0 §2.5).
 * - A session is named outside the server by a `handle`, a digest of its uid: the session id is
 *   the browser's cookie value, a credential, and never leaves the server.
 */
import { createHash } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { AdapterPayload } from 'oidc-provider';
import type { SessionInfo, SessionInfoStore } from './session-info.js';

export type ListIdsByAccount = (model: 'Session' | 'Grant', accountId: string) => Promise<string[]>;
export type ListGrantIdsByClient = (clientId: string) => Promise<string[]>;

export interface SessionSummary {
  /** The session id (cookie value): server-side only. */
  id: string;
  handle: string;
  accountId: string;
  /** Seconds since the epoch. */
  loginTs?: number;
  expiresAt?: number;
  clientIds: string[];
  info?: SessionInfo;
}

export interface AccountArtefacts {
  listSessions(accountId: string): Promise<SessionSummary[]>;
  /** Ends one session (by its id): destroyed, its grants revoked, its clients told by back-channel. */
  endSession(session: Pick<SessionSummary, 'id'>): Promise<void>;
  /** Ends every session of the account except `keepSessionId`; returns the ended ones. */
  endSessions(accountId: string, keepSessionId?: string): Promise<SessionSummary[]>;
  /** Revokes every grant of the account with its codes, access and refresh tokens. */
  revokeGrants(accountId: string): Promise<number>;
  /** Revokes every grant of the account for one client, with its tokens. */
  revokeClientGrants(accountId: string, clientId: string): Promise<number>;
  /** Revokes every grant of one client, for every account, with its tokens. */
  revokeAllGrantsOfClient(clientId: string): Promise<number>;
}

interface Authorization {
  sid?: string;
  grantId?: string;
}

export const sessionHandle = (uid: string) => createHash('sha256').update(`portcullis-session:${uid}`).digest('base64url').slice(0, 22);

export function createAccountArtefacts(deps: {
  getProvider(): Provider;
  listIdsByAccount: ListIdsByAccount;
  listGrantIdsByClient: ListGrantIdsByClient;
  info: SessionInfoStore;
  onBackchannelError?(clientId: string, error: unknown): void;
}): AccountArtefacts {
  const authorizationsOf = (payload: AdapterPayload) => (payload.authorizations ?? {}) as Record<string, Authorization>;

  const revokeGrant = async (provider: Provider, grantId: string) => {
    await Promise.all([provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode].map((model) => model.revokeByGrantId(grantId)));
    await provider.Grant.adapter.destroy(grantId);
  };

  const load = async (provider: Provider, id: string): Promise<(SessionSummary & { payload: AdapterPayload }) | undefined> => {
    const payload = await provider.Session.adapter.find(id);
    if (!payload?.accountId || typeof payload.uid !== 'string') return undefined;
    return {
      id,
      handle: sessionHandle(payload.uid),
      accountId: payload.accountId,
      ...(typeof payload.loginTs === 'number' && { loginTs: payload.loginTs }),
      ...(typeof payload.exp === 'number' && { expiresAt: payload.exp }),
      clientIds: Object.keys(authorizationsOf(payload)),
      info: await deps.info.find(payload.uid),
      payload,
    };
  };

  const backchannel = async (provider: Provider, accountId: string, authorizations: Record<string, Authorization>) => {
    await Promise.all(Object.entries(authorizations).map(async ([clientId, { sid }]) => {
      const client = await provider.Client.find(clientId);
      if (!client?.backchannelLogoutUri || !sid) return;
      try {
        await (client as unknown as { backchannelLogout(sub: string, sid: string): Promise<void> }).backchannelLogout(accountId, sid);
      } catch (error) {
        deps.onBackchannelError?.(clientId, error);
      }
    }));
  };

  const artefacts: AccountArtefacts = {
    async listSessions(accountId) {
      const provider = deps.getProvider();
      const ids = await deps.listIdsByAccount('Session', accountId);
      const loaded = await Promise.all(ids.map((id) => load(provider, id)));
      return loaded
        .filter((s): s is NonNullable<typeof s> => s !== undefined && s.accountId === accountId)
        .map(({ payload: _payload, ...summary }) => summary)
        .sort((a, b) => (b.info?.lastSeenAt ?? b.loginTs ?? 0) - (a.info?.lastSeenAt ?? a.loginTs ?? 0));
    },

    async endSession(session) {
      const provider = deps.getProvider();
      const loaded = await load(provider, session.id);
      await provider.Session.adapter.destroy(session.id);
      if (!loaded) return;
      const authorizations = authorizationsOf(loaded.payload);
      await Promise.all(Object.values(authorizations).flatMap(({ grantId }) => (grantId ? [revokeGrant(provider, grantId)] : [])));
      await deps.info.forget(loaded.payload.uid as string);
      await backchannel(provider, loaded.accountId, authorizations);
    },

    async endSessions(accountId, keepSessionId) {
      const sessions = (await artefacts.listSessions(accountId)).filter((s) => s.id !== keepSessionId);
      for (const session of sessions) await artefacts.endSession(session);
      return sessions;
    },

    async revokeGrants(accountId) {
      const provider = deps.getProvider();
      const ids = await deps.listIdsByAccount('Grant', accountId);
      for (const grantId of ids) await revokeGrant(provider, grantId);
      return ids.length;
    },

    async revokeClientGrants(accountId, clientId) {
      const provider = deps.getProvider();
      const ids = await deps.listIdsByAccount('Grant', accountId);
      const payloads = await Promise.all(ids.map(async (id) => ({ id, payload: await provider.Grant.adapter.find(id) })));
      const ofClient = payloads.filter(({ payload }) => payload?.clientId === clientId && payload.accountId === accountId);
      for (const { id } of ofClient) await revokeGrant(provider, id);
      return ofClient.length;
    },

    async revokeAllGrantsOfClient(clientId) {
      const provider = deps.getProvider();
      const ids = await deps.listGrantIdsByClient(clientId);
      for (const grantId of ids) await revokeGrant(provider, grantId);
      return ids.length;
    },
  };
  return artefacts;
}
