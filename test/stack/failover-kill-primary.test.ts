/**
 * Failover drill 1: kill -9 the PostgreSQL primary's postmaster while writers register accounts
 * (through Nginx) and create clients. Patroni promotes the synchronous standby, HAProxy moves
 * the write path to it, writes succeed again within 30 s, every acknowledged write is on the
 * new primary, and the old primary comes back as a replica by itself (pg_rewind).
 * The stack's Prometheus raises PostgresFailoverHappened. The outage window is printed as a test
 * diagnostic (docs/availability.md collects them).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stackEnv, type TestServer } from '../support/test-server.js';
import { openOidcServer, relyingParty, type RegisteredClient } from '../support/oidc-harness.js';
import { fault, stack, waitFor } from './stack-control.js';
import { describeOutage, startWriter, type OutageWindow } from './write-ledger.js';
import { leader, memberUrl, members, waitForLeaderOtherThan, waitForReplica } from './patroni-control.js';

describe('failover drill: the primary is killed', () => {
  let server: TestServer;
  let web: RegisteredClient;
  before(async () => {
    ({ server, web } = await openOidcServer());
  });
  after(async () => {
    // Hands the next suite the usual layout (pg0 primary), whatever happened here.
    await stack('up').catch(() => undefined);
    await server.close();
  });

  it('promotes a replica, writes again within 30 s, loses no acknowledged write, and the old primary rejoins', async (t) => {
    const writer = startWriter({ config: await relyingParty(server, web), web, adminToken: server.adminToken });
    let old: string | undefined;
    let killedAt = 0;
    let promoted = '';
    let outage: OutageWindow | undefined;
    try {
      await writer.acknowledged(10);
      old = await leader();
      assert.ok(old, 'a primary before the drill');
      const killed = await fault('kill-primary');
      assert.equal(killed.member, old);
      killedAt = killed.at;
      promoted = await waitForLeaderOtherThan(old, 30_000);
      outage = await writer.settled(killedAt, 3000, 40_000);
    } finally {
      await writer.stop();
    }
    assert.ok(outage);
    t.diagnostic(`kill-primary: ${old} -> ${promoted}; ${describeOutage(writer, killedAt)}`);
    assert.ok(outage.recoveredAfterMs < 30_000, `writes resumed ${outage.recoveredAfterMs} ms after the kill`);

    const acknowledged = writer.emails.length + writer.clientIds.length;
    assert.deepEqual(await writer.missingFrom(stackEnv('STACK_DATABASE_URL')), { emails: [], clientIds: [] }, `of ${acknowledged} acknowledged writes, these are not on the new primary`);
    assert.deepEqual(await writer.missingFrom(memberUrl(promoted)), { emails: [], clientIds: [] }, `the write path does not lead to ${promoted}`);

    // The stack's Prometheus scrapes every Patroni: it sees the new timeline, and the alert fires.
    const timeline = (await members()).find((m) => m.name === promoted)?.timeline;
    const prometheus = stackEnv('STACK_PROMETHEUS_URL');
    await waitFor(`Prometheus to see timeline ${timeline}`, async () => {
      const body = (await (await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent('max(patroni_postgres_timeline)')}`)).json()) as { data: { result: { value: [number, string] }[] } };
      return Number(body.data.result[0]?.value[1]) === timeline;
    }, 30_000);
    await waitFor('PostgresFailoverHappened to fire in Prometheus', async () => {
      const body = (await (await fetch(`${prometheus}/api/v1/alerts`)).json()) as { data: { alerts: { labels: { alertname: string }; state: string }[] } };
      return body.data.alerts.some((alert) => alert.labels.alertname === 'PostgresFailoverHappened' && alert.state === 'firing');
    }, 30_000);

    await waitForReplica(old, 60_000);
    await waitFor(`${old} to replay every acknowledged write`, async () => {
      const missing = await writer.missingFrom(memberUrl(old));
      return missing.emails.length + missing.clientIds.length === 0;
    }, 20_000);
  });
});
