/**
 * Drill 3: kill -9 the Redis primary while people sign in and refresh tokens. The Sentinels
 * promote the replica within 15 s, the instances follow it without a restart, sessions signed
 * in before keep working, and a refresh token rotated before the kill is still refused after it
 * (consume writes wait for the replica: stores/redis/durable-writes.ts). Three kills in a row,
 * each followed by the old primary's return as a replica (as a supervisor would restart it);
 * the outage windows go to docs/availability.md. Bounded: about 8 s a kill, 25 s in all.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as client from 'openid-client';
import type { TestServer } from '../support/test-server.js';
import { UserAgent } from '../support/user-agent.js';
import { authorizationRequest, callbackOf, followToClient, openOidcServer, register, relyingParty, uniqueEmail, type RegisteredClient } from '../support/oidc-harness.js';
import { adminUrls, stack, waitFor } from './stack-control.js';

const RUNS = 3;
const PROMOTION_BOUND_MS = 15_000;

/** Repeats `probe` every 100 ms until stopped; remembers when it last failed and first succeeded after `since`. */
function probeLoop(probe: () => Promise<void>) {
  let running = true;
  const outcomes: { at: number; ok: boolean }[] = [];
  const done = (async () => {
    while (running) {
      const at = Date.now();
      const ok = await probe().then(() => true, () => false);
      outcomes.push({ at, ok });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    /** Whether a probe that started after `since` succeeded, with no failure after it. */
    recoveredSince(since: number) {
      const last = outcomes.at(-1);
      return last !== undefined && last.ok && last.at > since;
    },
    async stop() {
      running = false;
      await done;
      return outcomes;
    },
  };
}

/** From `since`: how long until the probes succeeded again for good (0 when none failed). */
function outageMs(outcomes: { at: number; ok: boolean }[], since: number): number {
  const after = outcomes.filter((o) => o.at >= since);
  const lastFailure = after.findLastIndex((o) => !o.ok);
  if (lastFailure === -1) return 0;
  const recovered = after[lastFailure + 1];
  assert.ok(recovered, 'the probes never succeeded again');
  return recovered.at - since;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('drill 3: Redis primary killed during sign-ins and refreshes', () => {
  let server: TestServer;
  let web: RegisteredClient;
  let config: client.Configuration;

  before(async () => {
    ({ server, web } = await openOidcServer());
    config = await relyingParty(server, web);
  });
  after(async () => {
    await stack('start-redis').catch(() => undefined);
    await server.close();
  });

  /** A signed-in person: their browser, and the tokens of one sign-in. */
  async function signIn() {
    const agent = new UserAgent();
    const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]!, scope: 'openid email offline_access' });
    const callback = callbackOf(await register(agent, await followToClient(agent, request.url), uniqueEmail('failover')));
    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
    assert.ok(tokens.refresh_token);
    return { agent, refreshToken: tokens.refresh_token };
  }

  /** A silent sign-in on an existing session: the session is read, a code issued and redeemed. */
  async function silentSignIn(agent: UserAgent) {
    const request = await authorizationRequest(config, { redirect_uri: web.redirect_uris[0]!, prompt: 'none' });
    const callback = callbackOf(await followToClient(agent, request.url));
    if (!callback.searchParams.get('code')) throw new Error(`no code: ${callback.href}`);
    await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: request.codeVerifier, expectedNonce: request.nonce, expectedState: request.state });
  }

  it(`promotes the replica within 15 s, keeps sessions, and never revives a used refresh token (${RUNS} kills)`, async () => {
    const promotions: number[] = [];
    const signInOutages: number[] = [];
    const refreshOutages: number[] = [];
    let lostGrants = 0;
    for (let run = 1; run <= RUNS; run++) {
      const person = await signIn();
      // Rotated before the kill: this one is used up, its successor is live.
      const used = person.refreshToken;
      let live = (await client.refreshTokenGrant(config, used)).refresh_token!;
      const other = await signIn();

      const signIns = probeLoop(() => silentSignIn(other.agent));
      const refreshes = probeLoop(async () => {
        try {
          live = (await client.refreshTokenGrant(config, live)).refresh_token!;
        } catch (error) {
          // A refresh cut off between its consume and the replica's acknowledgement used the
          // token up but answered 503: its retry is a replay, which revokes the grant (fail
          // closed, docs/production.md). The client signs in again; the drill counts it.
          if ((error as { error?: string }).error === 'invalid_grant') {
            lostGrants++;
            live = (await signIn()).refreshToken;
          }
          throw error;
        }
      });
      let signInOutcomes: { at: number; ok: boolean }[];
      let refreshOutcomes: { at: number; ok: boolean }[];
      let killedAt = 0;
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        killedAt = Date.now();
        await stack('kill-redis-primary'); // returns once a Sentinel names a new primary that answers as one
        promotions.push(Date.now() - killedAt);
        // The old primary comes back as a replica (a supervisor restarts it): consume writes wait
        // for a replica, so until one is back they fail closed with 503.
        await stack('start-redis');
        await waitFor('every instance ready on the new primary', async () => {
          const states = await Promise.all(adminUrls().map(async (url) => (await fetch(`${url}/readyz`)).status));
          return states.every((s) => s === 200);
        }, 15_000);
        // Nginx also takes an instance that answered 503 out of rotation for its fail_timeout (5 s).
        const recovered = Date.now();
        await waitFor('sign-ins and refreshes succeed again', () => Promise.resolve(signIns.recoveredSince(recovered) && refreshes.recoveredSince(recovered)), 20_000);
      } finally {
        // Stopped whatever happened, so a failed run does not leave them running.
        signInOutcomes = await signIns.stop();
        refreshOutcomes = await refreshes.stop();
      }
      signInOutages.push(outageMs(signInOutcomes, killedAt));
      refreshOutages.push(outageMs(refreshOutcomes, killedAt));

      assert.ok(promotions.at(-1)! < PROMOTION_BOUND_MS, `run ${run}: promotion took ${promotions.at(-1)} ms`);
      // The session of the person signed in before the kill still works, without a password.
      await silentSignIn(person.agent);
      // Refreshing goes on (the loop's chain) ...
      live = (await client.refreshTokenGrant(config, live)).refresh_token!;
      // ... and the token rotated before the kill is still refused: no resurrection.
      await assert.rejects(client.refreshTokenGrant(config, used), (error: unknown) => {
        assert.equal((error as { error?: string }).error, 'invalid_grant', `run ${run}: ${String(error)}`);
        return true;
      });
    }
    // What Prometheus sees (PortcullisRedisFailover, PortcullisSentinelQuorumLost).
    for (const url of adminUrls()) {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      assert.ok(Number(/^portcullis_redis_primary_changes_total (\S+)$/m.exec(metrics)?.[1]) >= 1, `${url}: a primary change counted`);
      assert.match(metrics, /^portcullis_redis_sentinel_quorum_ok 1$/m, `${url}: quorum seen`);
    }
    const line = (label: string, values: number[]) => `${label}: median ${median(values)} ms, worst ${Math.max(...values)} ms (${values.join(', ')})`;
    // The figures for docs/availability.md.
    console.log(`[drill 3] ${line('promotion', promotions)}; ${line('sign-in outage', signInOutages)}; ${line('refresh outage', refreshOutages)}; refresh chains cut off by a kill: ${lostGrants}`);
  });
});
