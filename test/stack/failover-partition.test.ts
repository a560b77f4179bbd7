/**
 * Failover drill 4: the primary is cut off from the cluster: its Patroni is frozen (SIGSTOP), so
 * it renews neither its leader lock in etcd nor its answers to HAProxy, while its PostgreSQL
 * runs on. Under the same load as drill 1, and probing every member directly every half second:
 * - at no moment do two members acknowledge a write: the frozen primary's PostgreSQL still says
 *   pg_is_in_recovery() = false, but once its synchronous standby has been promoted nothing
 *   confirms its commits any more (Patroni's synchronous mode), so none is acknowledged;
 * - a replica is promoted once the lock expires, writes resume, no acknowledged write is lost;
 * - thawed, the old primary finds a new leader, rewinds and follows it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stackEnv, type TestServer } from '../support/test-server.js';
import { openOidcServer, relyingParty, type RegisteredClient } from '../support/oidc-harness.js';
import { fault, stack } from './stack-control.js';
import { describeOutage, startWriter, type OutageWindow } from './write-ledger.js';
import { acknowledgesWrite, createProbeTable, dropProbeTable, inRecovery, leader, memberNames, waitForLeaderOtherThan, waitForReplica } from './patroni-control.js';

interface Sample {
  at: number;
  acknowledging: string[];
  notInRecovery: string[];
}

describe('failover drill: the primary is partitioned', () => {
  let server: TestServer;
  let web: RegisteredClient;
  before(async () => {
    ({ server, web } = await openOidcServer());
    await createProbeTable(stackEnv('STACK_DATABASE_URL'));
  });
  after(async () => {
    await stack('heal').catch(() => undefined);
    await stack('up').catch(() => undefined);
    await dropProbeTable(stackEnv('STACK_DATABASE_URL')).catch(() => undefined);
    await server.close();
  });

  it('never has two members acknowledging writes, promotes a replica, loses nothing, and the old primary rejoins', async (t) => {
    const writer = startWriter({ config: await relyingParty(server, web), web, adminToken: server.adminToken });
    const samples: Sample[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const at = Date.now();
        const names = memberNames();
        const [acks, recovery] = await Promise.all([Promise.all(names.map((n) => acknowledgesWrite(n))), Promise.all(names.map((n) => inRecovery(n)))]);
        samples.push({ at, acknowledging: names.filter((_, i) => acks[i]), notInRecovery: names.filter((_, i) => recovery[i] === false) });
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, 500 - (Date.now() - at))));
      }
    })();
    let old: string | undefined;
    let promoted = '';
    let cutAt = 0;
    let outage: OutageWindow | undefined;
    try {
      await writer.acknowledged(10);
      old = await leader();
      assert.ok(old, 'a primary before the drill');
      const cut = await fault('partition-primary');
      assert.equal(cut.member, old);
      cutAt = cut.at;
      promoted = await waitForLeaderOtherThan(old, 45_000);
      outage = await writer.settled(cutAt, 3000, 40_000);
      // The old primary stays cut off a little longer, under probes, before it is let back.
      await new Promise((resolve) => setTimeout(resolve, 2000));
      await stack('heal');
      await waitForReplica(old, 60_000);
    } finally {
      sampling = false;
      await sampler;
      await writer.stop();
    }
    const doubles = samples.filter((s) => s.acknowledging.length > 1);
    const bothPrimaries = samples.filter((s) => s.notInRecovery.length > 1).length;
    t.diagnostic(`partition: ${old} -> ${promoted}; ${describeOutage(writer, cutAt)}`);
    t.diagnostic(`partition: ${samples.length} probe rounds; ${bothPrimaries} saw two servers out of recovery (the frozen one cannot commit), ${doubles.length} saw two acknowledging writes`);
    assert.ok(outage.recoveredAfterMs < 45_000, `writes ran clean again only ${outage.recoveredAfterMs} ms after the cut`);
    assert.deepEqual(doubles, [], 'two members acknowledged writes at the same moment (split brain)');
    assert.ok(samples.some((s) => s.at > cutAt && s.acknowledging.length === 1 && s.acknowledging[0] === promoted), `the new primary ${promoted} never acknowledged a probe`);
    assert.ok(samples.every((s) => s.acknowledging.every((n) => n === old || n === promoted)), 'only the old or the new primary ever acknowledged a probe');
    const acknowledged = writer.emails.length + writer.clientIds.length;
    assert.deepEqual(await writer.missingFrom(stackEnv('STACK_DATABASE_URL')), { emails: [], clientIds: [] }, `of ${acknowledged} acknowledged writes, these are not on the new primary`);
    assert.equal(await inRecovery(old), true, `${old} is a replica again`);
  });
});
