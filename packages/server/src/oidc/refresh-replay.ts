/**
 * Retry-safe refresh rotation. Every refresh rotates the refresh token and a reused one revokes
 * the whole grant (configuration.ts `rotateRefreshToken`, the stores' atomic consume; SECURITY.md
 * R7). A single-page app that lost the answer to its refresh, or two tabs that refresh at the
 * same moment, would then sign their person out. Within REFRESH_REUSE_WINDOW seconds (default 10,
 * 0 turns this off), the same refresh token presented again by the same client gets the same
 * answer instead, and any later reuse still revokes (docs/security.md "Refresh reuse window").
 * Around the provider's `POST /token`, without changing the library:
 * - Serialised: the provider looks the refresh token up through its RefreshToken adapter; the
 *   wrapped adapter first claims a lock on the token's hash in the stores (Redis in production, so
 *   every instance sees it). A second request for the same token waits until the first has
 *   answered, instead of racing it into the consume that would revoke the grant.
 * - Recorded: a 200 answer to a refresh that held the lock is kept under the token's hash for the
 *   window: sealed (AES-256-GCM, bound to the hash), with the client id and the DPoP key
 *   thumbprint of the request, then the lock is released.
 * - Replayed: when an answer is recorded for the token, the lookup finds nothing, so the provider
 *   answers `invalid_grant` without revoking; if the request came from the same client (the
 *   provider authenticated it, with its secret for a confidential client) with a proof by the
 *   same DPoP key (or none, as before), that answer becomes the recorded one, with
 *   `Cache-Control: no-store`, and a `token.refresh_replayed` audit event, but only while the
 *   grant the answer was issued under still exists: a grant revoked in between (the account
 *   disabled, its sessions ended, the client's scope narrowed) keeps the `invalid_grant`.
 *   Anyone else keeps the `invalid_grant`. An answer recorded with a proof is never served without one (a Bearer
 *   repeat), nor one recorded without a proof with one.
 * - DPoP proofs (RFC 9449) of a repeat are checked as fully as the first one's: the provider
 *   validates the proof (signature by the key in its header, typ, alg, htm, htu, iat and the
 *   required server nonce) BEFORE it looks the refresh token up (lib/actions/grants/refresh_token.js),
 *   so a repeat with a bad proof is refused `invalid_dpop_proof`/`use_dpop_nonce` and never
 *   reaches the recorded answer; the signature is checked once more here before the key is
 *   compared. The provider checks a proof's `jti` only AFTER the lookup, which finds nothing for a
 *   repeat, so this module records it in the provider's own replay store before serving an
 *   answer: a proof is single use here too, and a captured request replayed whole gets nothing.
 * - After the window the record is gone: the lookup finds the consumed token and the provider's
 *   reuse detection revokes the grant, as without this. The window also ends as soon as the
 *   successor refresh token is presented: whoever presents it had the answer, so a later repeat
 *   of the old token is no retry.
 * The trade-off: during the window, whoever holds the refresh token (and the client's
 * credentials, and the DPoP private key when bound) gets the tokens the client just got, not new ones.
 */
import { createHash } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Middleware } from 'koa';
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider';
import { calculateJwkThumbprint, EmbeddedJWK, jwtVerify } from 'jose';
import type { ShortTerm } from '../stores/short-term.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { requestMeta, type AuditService } from '../audit/audit.service.js';
import { orUnavailable } from '../stores/unavailable.js';
import { DPOP_SIGNING_ALGS } from './dpop.js';

/** The provider's token endpoint (its default route). */
const TOKEN_PATH = '/token';
/** How long a refresh may hold its token's lock, and how long a second one waits for it. */
const LOCK_MS = 10_000;
const POLL_MS = 25;
/**
 * How long a proof's `jti` is remembered: as long as the provider remembers it (its
 * CHALLENGE_OK_WINDOW, five 60 s nonce steps, lib/helpers/challenge.js), longer than a proof's
 * nonce or iat is accepted.
 */
const PROOF_JTI_SECONDS = 300;

interface RequestState {
  /** The key whose lock this request holds. */
  locked?: string;
  /** The key whose recorded answer made the lookup find nothing. */
  replayOf?: string;
}

interface Recorded {
  client_id: string;
  /** The grant the answer was issued under; a replay needs it to exist still. */
  grant_id: string;
  jkt: string | null;
  body: Record<string, unknown>;
}

export interface RefreshReplay {
  /** Runs around the provider's routes (`provider.use`). */
  middleware: Middleware;
  /** Wraps the RefreshToken adapter. */
  wrap(adapter: Adapter): Adapter;
}

const keyOf = (refreshToken: string) => `refresh:${createHash('sha256').update(refreshToken).digest('base64url')}`;
const isTokenPath = (path: string) => (path.toLowerCase().replace(/\/+$/, '') || '/') === TOKEN_PATH;

interface Proof {
  /** The thumbprint of the proof's key (RFC 9449 §6.1). */
  jkt: string;
  jti: string;
}

/**
 * The request's DPoP proof: null without one, undefined when it does not verify. The provider has
 * validated it in full before the refresh token's lookup (see above); its signature by the key
 * in its header is verified again here, as the provider does it (lib/helpers/validate_dpop.js), so
 * that the key a recorded answer is given for is one whose private half signed this request.
 */
async function verifiedProof(ctx: KoaContextWithOIDC): Promise<Proof | null | undefined> {
  const proof = ctx.get('DPoP');
  if (!proof) return null;
  try {
    const { protectedHeader, payload } = await jwtVerify(proof, EmbeddedJWK, { algorithms: [...DPOP_SIGNING_ALGS], typ: 'dpop+jwt' });
    if (!protectedHeader.jwk || typeof payload.jti !== 'string' || !payload.jti) return undefined;
    return { jkt: await calculateJwkThumbprint(protectedHeader.jwk), jti: payload.jti };
  } catch {
    return undefined;
  }
}

export function createRefreshReplay(deps: { windowSeconds: number; shortTerm: ShortTerm; box: SecretBox; audit: AuditService }): RefreshReplay {
  const { shortTerm, box } = deps;
  const windowMs = deps.windowSeconds * 1000;
  const requests = new AsyncLocalStorage<RequestState>();
  const answerKey = (key: string) => `${key}:answer`;
  const lockKey = (key: string) => `${key}:lock`;
  /** Under the successor's key: the key of the token it replaced, whose window it ends. */
  const previousKey = (key: string) => `${key}:previous`;

  async function record(ctx: KoaContextWithOIDC, key: string): Promise<void> {
    const clientId = ctx.oidc.client?.clientId;
    if (ctx.status !== 200 || !clientId || typeof ctx.body !== 'object' || ctx.body === null) return;
    const grantId = ctx.oidc.entities.Grant?.jti;
    if (!grantId) return;
    const proof = await verifiedProof(ctx);
    if (proof === undefined) return;
    const recorded: Recorded = { client_id: clientId, grant_id: grantId, jkt: proof?.jkt ?? null, body: ctx.body as Record<string, unknown> };
    await shortTerm.set(answerKey(key), box.seal(JSON.stringify(recorded), key), windowMs);
    const successor = recorded.body.refresh_token;
    if (typeof successor === 'string') await shortTerm.set(previousKey(keyOf(successor)), key, windowMs);
  }

  async function replay(ctx: KoaContextWithOIDC, key: string): Promise<void> {
    if (ctx.status !== 400 || (ctx.body as { error?: unknown } | undefined)?.error !== 'invalid_grant') return;
    const sealed = await shortTerm.get(answerKey(key));
    if (!sealed) return;
    let recorded: Recorded;
    try {
      recorded = JSON.parse(box.open(sealed, key)) as Recorded;
    } catch {
      // Sealed by an instance with other encryption keys: no answer to give, the refusal stands.
      return;
    }
    const clientId = ctx.oidc.client?.clientId;
    const proof = await verifiedProof(ctx);
    if (!clientId || proof === undefined || recorded.client_id !== clientId || recorded.jkt !== (proof?.jkt ?? null)) return;
    // Revoking a grant destroys it (oidc/account-artefacts.ts): its recorded answer dies with it.
    if (typeof recorded.grant_id !== 'string' || !(await ctx.oidc.provider.Grant.find(recorded.grant_id))) return;
    // The check the provider would have made after the lookup (RFC 9449 §11.1), in its replay
    // store (the same one its own checks use) under the same client: each proof serves once.
    if (proof && !(await ctx.oidc.provider.ReplayDetection.unique(clientId, proof.jti, Math.floor(Date.now() / 1000) + PROOF_JTI_SECONDS))) return;
    ctx.status = 200;
    ctx.body = recorded.body;
    ctx.set('Cache-Control', 'no-store');
    ctx.set('Pragma', 'no-cache');
    await deps.audit.record({ type: 'token.refresh_replayed', clientId, detail: { window_seconds: deps.windowSeconds } }, requestMeta(ctx));
  }

  const middleware: Middleware = async (ctx, next) => {
    if (ctx.method !== 'POST' || !isTokenPath(ctx.path)) {
      await next();
      return;
    }
    const state: RequestState = {};
    try {
      await requests.run(state, next);
      const oidc = ctx as unknown as KoaContextWithOIDC;
      const body = oidc.oidc?.body as { grant_type?: unknown; refresh_token?: unknown } | undefined;
      if (body?.grant_type !== 'refresh_token' || typeof body.refresh_token !== 'string') return;
      const key = keyOf(body.refresh_token);
      // The answer is recorded before the lock goes, so a waiting retry finds it. Once the
      // provider has answered, its answer stands: a store failure here only costs the retry
      // (which then counts as reuse), never this answer.
      if (state.locked === key) await record(oidc, key).catch(() => undefined);
      else if (state.replayOf === key) await replay(oidc, key).catch(() => undefined);
    } finally {
      if (state.locked) await shortTerm.delete(lockKey(state.locked)).catch(() => undefined);
    }
  };

  /**
   * Waits for the token's lock or its recorded answer, then looks the token up (or reports it
   * not found, when an answer is recorded). Outside a token request it only looks up.
   */
  async function findSerialised(adapter: Adapter, id: string): ReturnType<Adapter['find']> {
    const state = requests.getStore();
    if (!state) return adapter.find(id);
    const key = keyOf(id);
    if (state.locked === key) return adapter.find(id);
    const deadline = Date.now() + LOCK_MS;
    for (;;) {
      if (await shortTerm.get(answerKey(key))) {
        state.replayOf = key;
        return undefined;
      }
      if (await shortTerm.claim(lockKey(key), '1', LOCK_MS)) {
        state.locked = key;
        const previous = await shortTerm.get(previousKey(key));
        if (previous) await shortTerm.delete(answerKey(previous));
        break;
      }
      // A refresh that outlives its lock is broken; this one then goes on as it would have.
      if (Date.now() > deadline) break;
      await sleep(POLL_MS);
    }
    return adapter.find(id);
  }

  const wrap = (adapter: Adapter): Adapter => ({
    upsert: (id, payload, expiresIn) => adapter.upsert(id, payload, expiresIn),
    findByUid: (uid) => adapter.findByUid(uid),
    findByUserCode: (userCode) => adapter.findByUserCode(userCode),
    consume: (id) => adapter.consume(id),
    destroy: (id) => adapter.destroy(id),
    revokeByGrantId: (grantId) => adapter.revokeByGrantId(grantId),
    // The short-lived values live in the same store as the tokens: an outage is a 503, as the provider's own.
    find: (id) => orUnavailable(findSerialised(adapter, id)),
  });

  return { middleware, wrap };
}
