import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openPostgres } from './pg.driver.js';
import { startPostgresServer, type PostgresServer } from './postgres-server.test-support.js';
import { freePort } from '../testing/free-port.js';

/** Times a promise that must reject; returns the error and how long it took. */
async function timeRejection(work: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = performance.now();
  try {
    await work;
  } catch (error) {
    return { error: error as Error, ms: performance.now() - started };
  }
  assert.fail('expected a rejection');
}

describe('pg driver', () => {
  let server: PostgresServer;
  before(async () => {
    server = await startPostgresServer();
  });
  after(async () => {
    await server.close();
  });

  it('sends no statement_timeout startup parameter (PgBouncer in transaction mode refuses it)', async () => {
    const db = openPostgres({ url: server.url });
    try {
      const { rows } = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(db.primary);
      assert.equal(rows[0]?.statement_timeout, '0');
    } finally {
      await db.close();
    }
  });

  it('survives a connection that ends while lent out (a failover), and does not reuse it', async () => {
    const db = openPostgres({ url: server.url, poolSize: 1 });
    const outside = openPostgres({ url: server.url });
    try {
      const outcome = await db.primary.transaction().execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        // Ended from outside while this transaction holds the connection between two queries.
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(outside.primary);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return sql`select 1`.execute(trx).then(() => 'answered', (error: Error) => error.message);
      }).catch((error: Error) => error.message);
      assert.notEqual(outcome, 'answered');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db.primary);
      assert.equal(rows[0]?.one, 1, 'the pool hands out a working connection afterwards');
    } finally {
      await outside.close();
      await db.close();
    }
  });

  it('fails a slow query at the client-side timeout and does not reuse its connection', async (t) => {
    const db = openPostgres({ url: server.url, poolSize: 1, queryTimeoutMs: 500 });
    try {
      const { error, ms } = await timeRejection(sql`select pg_sleep(5)`.execute(db.primary));
      t.diagnostic(`slow query failed after ${Math.round(ms)} ms`);
      assert.equal(error.message, 'Query read timeout');
      assert.ok(ms >= 450 && ms < 1500, `${ms} ms`);
      // With one connection in the pool, a reused connection would still be busy with pg_sleep.
      const started = performance.now();
      await sql`select 1`.execute(db.primary);
      assert.ok(performance.now() - started < 400, 'the next query waited behind the timed-out one');
    } finally {
      await db.close();
    }
  });

  it('reads from the primary while the reader cannot be reached, and readiness can tell', async () => {
    const fallbacks: unknown[] = [];
    const db = openPostgres({ url: server.url, readUrl: `postgres://postgres@127.0.0.1:${await freePort()}/postgres`, onReaderFallback: (e) => fallbacks.push(e) });
    try {
      const rows = await db.reader.selectFrom(sql<{ n: number }>`(select 1 as n)`.as('t')).select('n').execute();
      assert.deepEqual(rows, [{ n: 1 }]);
      assert.equal(fallbacks.length, 1);
      await db.probe('primary');
      await assert.rejects(db.probe('reader'));
    } finally {
      await db.close();
    }
  });

  it('fails at once when the server refuses connections', async (t) => {
    const db = openPostgres({ url: `postgres://postgres@127.0.0.1:${await freePort()}/postgres` });
    try {
      const { error, ms } = await timeRejection(sql`select 1`.execute(db.primary));
      t.diagnostic(`refused connection failed after ${Math.round(ms)} ms`);
      assert.equal((error as { code?: string }).code, 'ECONNREFUSED');
      assert.ok(ms < 500, `${ms} ms`);
    } finally {
      await db.close();
    }
  });

  it('fails within the connect timeout when the server accepts but never answers', async (t) => {
    const sockets: net.Socket[] = [];
    const blackHole = net.createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    const { port } = blackHole.address() as net.AddressInfo;
    const db = openPostgres({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, connectTimeoutMs: 700 });
    try {
      const { error, ms } = await timeRejection(sql`select 1`.execute(db.primary));
      t.diagnostic(`silent server: connect failed after ${Math.round(ms)} ms (${error.message})`);
      assert.match(error.message, /timeout/i);
      assert.ok(ms >= 650 && ms < 1500, `${ms} ms`);
    } finally {
      await db.close();
      sockets.forEach((s) => s.destroy());
      blackHole.close();
    }
  });
});
