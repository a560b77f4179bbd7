/**
 * Failover drill 2: a planned switchover (`stack.sh switchover`, Patroni's REST API) under the
 * same load as drill 1. The old primary shuts down cleanly after its synchronous standby has
 * every commit, so at most a few seconds of writes fail and none that was acknowledged is lost.
 * The outage window is printed as a test diagnostic (docs/availability.md collects them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stackEnv, type TestServer } from '../support/test-server.js';
import { openOidcServer, relyingParty, type RegisteredClient } from '../support/oidc-harness.js';
import { fault, stack } from './stack-control.js';
import { describeOutage, startWriter, type OutageWindow } from './write-ledger.js';
import { leader, waitForReplica } from './patroni-control.js';

/** "A few seconds": the switchover itself, HAProxy's two checks, and Nginx's 5 s fail_timeout. */
const MAX_WINDOW_MS = 12_000;

describe('failover drill: planned switchover', () => {
  let server: TestServer;
  let web: RegisteredClient;
  before(async () => {
    ({ server, web } = await openOidcServer());
  });
  after(async () => {
    await stack('up').catch(() => undefined);
    await server.close();
  });

  it('moves the primary with a few seconds of failed writes and none lost', async (t) => {
    const writer = startWriter({ config: await relyingParty(server, web), web, adminToken: server.adminToken });
    let old: string | undefined;
    let now: string | undefined;
    let startedAt = 0;
    let outage: OutageWindow | undefined;
    try {
      await writer.acknowledged(10);
      old = await leader();
      assert.ok(old, 'a primary before the drill');
      startedAt = (await fault('switchover')).at;
      now = await leader();
      outage = await writer.settled(startedAt, 3000, 40_000);
    } finally {
      await writer.stop();
    }
    t.diagnostic(`switchover: ${old} -> ${now}; ${describeOutage(writer, startedAt)}`);
    assert.notEqual(now, old, 'the primary moved');
    assert.ok(outage.windowMs <= MAX_WINDOW_MS, `writes failed for ${outage.windowMs} ms`);
    const acknowledged = writer.emails.length + writer.clientIds.length;
    assert.deepEqual(await writer.missingFrom(stackEnv('STACK_DATABASE_URL')), { emails: [], clientIds: [] }, `of ${acknowledged} acknowledged writes, these are not on the new primary`);
    await waitForReplica(old, 30_000);
  });
});
