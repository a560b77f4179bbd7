/**
 * The restore drill (docs/maintenance.md, "Backups and restore"): a PostgreSQL server archiving
 * its WAL to pgBackRest with the shipped configuration (deploy/pgbackrest/pgbackrest.conf and
 * deploy/postgresql/archiving.conf, only paths and port replaced) takes a full and a
 * differential backup while accounts are written, is destroyed, and is restored to a point in
 * time. Exactly the accounts committed before that point must come back.
 *
 * The drill runs its own server rather than the stack's cluster: destroying the cluster the
 * other stack tests use would make them depend on the order they run in.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { createAccountRepository, migrateToLatest, openPostgres, type Database } from '@portcullis/db';
import { freePort } from '@portcullis/db/testing/free-port';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const drill = path.join(root, '.test-output', 'backup-drill');
const data = path.join(drill, 'data');
const config = path.join(drill, 'pgbackrest.conf');
const STANZA = 'portcullis';

interface ServiceUser {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root, and pgBackRest must run as the user that owns the data. */
async function serviceUser(): Promise<ServiceUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

async function pgBin(): Promise<string> {
  const versions = (await readdir('/usr/lib/postgresql')).sort((a, b) => Number(b) - Number(a));
  assert.ok(versions.length > 0, 'PostgreSQL is missing: run `bash scripts/system-packages.sh`');
  return `/usr/lib/postgresql/${versions[0]}/bin`;
}

/** The shipped configuration with this drill's paths and port: the only differences. */
async function renderConfig(port: number): Promise<string> {
  const shipped = await readFile(path.join(root, 'deploy/pgbackrest/pgbackrest.conf'), 'utf8');
  const replace: Record<string, string> = {
    'repo1-path': path.join(drill, 'repo'),
    'log-path': path.join(drill, 'log'),
    'lock-path': path.join(drill, 'lock'),
    'pg1-path': data,
    'pg1-port': String(port),
    'pg1-socket-path': drill,
  };
  let rendered = shipped;
  for (const [key, value] of Object.entries(replace)) {
    const pattern = new RegExp(`^${key}=.*$`, 'm');
    assert.match(rendered, pattern, `deploy/pgbackrest/pgbackrest.conf sets ${key}`);
    rendered = rendered.replace(pattern, `${key}=${value}`);
  }
  return rendered;
}

describe('backup and point-in-time restore with pgBackRest', () => {
  let user: ServiceUser | undefined;
  let bin: string;
  let port: number;
  let server: ChildProcess | undefined;
  let db: Database | undefined;
  const env = { ...process.env, PGBACKREST_CONFIG: config };

  const asService = (file: string, args: string[]) => run(file, args, { ...user, env, cwd: drill, timeout: 120_000 });
  const pgbackrest = (...args: string[]) => asService('pgbackrest', [`--stanza=${STANZA}`, ...args]);

  async function startServer(): Promise<void> {
    const settings = [
      '-c', `port=${port}`,
      '-c', 'listen_addresses=127.0.0.1',
      '-c', `unix_socket_directories=${drill}`,
      '-c', 'max_connections=20',
      '-c', 'wal_level=replica',
    ];
    const child = spawn(path.join(bin, 'postgres'), ['-D', data, ...settings], { ...user, env, cwd: drill, stdio: 'ignore' });
    server = child;
    for (let attempt = 0; ; attempt++) {
      try {
        await run(path.join(bin, 'pg_isready'), ['-q', '-h', '127.0.0.1', '-p', String(port)]);
        return;
      } catch (error) {
        if (attempt > 300 || child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`PostgreSQL did not start on port ${port}; see ${data}/log`, { cause: error });
        }
        await sleep(100);
      }
    }
  }

  async function stopServer(): Promise<void> {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGINT'); // fast shutdown
    await exited;
  }

  async function connect(): Promise<Database> {
    await db?.close();
    db = openPostgres({ url: `postgres://postgres@127.0.0.1:${port}/portcullis` });
    return db;
  }

  /** SQL of the drill's own (the server clock, the recovery state, the documented pruning). */
  async function rawQuery<T extends object>(query: string): Promise<T[]> {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/portcullis` });
    await client.connect();
    try {
      return (await client.query<T>(query)).rows;
    } finally {
      await client.end();
    }
  }

  async function scalar<T>(query: string): Promise<T> {
    return (await rawQuery<{ value: T }>(`select (${query}) as value`))[0]!.value;
  }

  async function writeAccounts(batch: string, count = 5): Promise<string[]> {
    const accounts = createAccountRepository(db!);
    const emails: string[] = [];
    for (let i = 0; i < count; i++) {
      const email = `drill-${batch}-${i}@example.test`;
      await accounts.insert({ id: `drill-${batch}-${i}`, email, passwordHash: 'not-a-real-hash', name: null });
      emails.push(email);
    }
    return emails;
  }

  async function storedEmails(): Promise<string[]> {
    const rows = await db!.primary.selectFrom('accounts').select('email').where('email', 'like', 'drill-%').orderBy('email').execute();
    return rows.map((row) => row.email);
  }

  before(async () => {
    user = await serviceUser();
    bin = await pgBin();
    port = await freePort();
    await rm(drill, { recursive: true, force: true });
    await mkdir(path.dirname(drill), { recursive: true }); // traversable by the service user
    await mkdir(drill, { mode: 0o700 });
    if (user) await chown(drill, user.uid, user.gid);
    await writeFile(config, await renderConfig(port), { mode: 0o600 });
    if (user) await chown(config, user.uid, user.gid);
    await asService(path.join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--data-checksums', '-E', 'UTF8']);
    // The shipped archiving settings, included exactly as docs/maintenance.md tells operators to.
    const archiving = path.join(root, 'deploy/postgresql/archiving.conf');
    await writeFile(path.join(data, 'postgresql.conf'), `\ninclude '${archiving}'\n`, { flag: 'a' });
    await startServer();
    await asService(path.join(bin, 'psql'), ['-X', '-q', '-h', drill, '-p', String(port), '-U', 'postgres', '-c', 'create database portcullis']);
    await connect();
    await migrateToLatest(db!);
    await pgbackrest('stanza-create');
    await pgbackrest('check');
  });

  after(async () => {
    await db?.close();
    await stopServer();
    await rm(drill, { recursive: true, force: true });
  });

  it('restores exactly the rows committed before the target time, from a full and a differential backup plus WAL', async () => {
    const beforeFull = await writeAccounts('a');
    await pgbackrest('--type=full', 'backup');
    const beforeDiff = await writeAccounts('b');
    await pgbackrest('--type=diff', 'backup');
    const walOnly = await writeAccounts('c');

    // The target: the server's own clock after the last wanted commit, before the first unwanted one.
    const target = await scalar<string>(`select to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'`);
    await sleep(50);
    const afterTarget = await writeAccounts('d');
    assert.equal((await storedEmails()).length, 20, 'all four batches are on the server before it is destroyed');
    // `check` switches to a new WAL segment and waits until it is archived: batch d's commits,
    // which recovery needs to see to know it has passed the target, are in the repository.
    await pgbackrest('check');

    // Destroy the cluster.
    await db!.close();
    db = undefined;
    await stopServer();
    await rm(data, { recursive: true, force: true });
    await mkdir(data, { mode: 0o700 });
    if (user) await chown(data, user.uid, user.gid);

    const info = await pgbackrest('--output=json', 'info');
    const backups = (JSON.parse(info.stdout) as { backup: { type: string }[] }[])[0]!.backup.map((backup) => backup.type);
    assert.deepEqual(backups, ['full', 'diff'], 'the repository holds the full and the differential backup');

    await pgbackrest('--type=time', `--target=${target}`, '--target-action=promote', 'restore');
    await startServer();
    await connect();
    for (let attempt = 0; ; attempt++) {
      if (!(await scalar<boolean>('select pg_is_in_recovery()'))) break;
      assert.ok(attempt < 600, 'the restored server did not finish recovery within 60 s');
      await sleep(100);
    }

    assert.deepEqual(await storedEmails(), [...beforeFull, ...beforeDiff, ...walOnly].sort());
    for (const email of afterTarget) assert.ok(!(await storedEmails()).includes(email), `${email} was written after the target`);

    // The restored server takes writes and archives them on a new timeline.
    await writeAccounts('e', 1);
    await pgbackrest('check');
  });

  it("runs the audit retention statement of docs/maintenance.md against the real schema: old rows go, recent ones stay", async () => {
    const doc = await readFile(path.join(root, 'docs/maintenance.md'), 'utf8');
    const statement = /`(delete from audit_events [^`]+)`/.exec(doc)?.[1];
    assert.ok(statement, 'docs/maintenance.md shows the audit pruning statement');
    await rawQuery(`insert into audit_events (id, time, type, outcome) values
      ('drill-old-1', now() - interval '500 days', 'signin', 'success'),
      ('drill-old-2', now() - interval '401 days', 'signin', 'failure'),
      ('drill-new-1', now() - interval '399 days', 'signin', 'success'),
      ('drill-new-2', now(), 'signin', 'success')`);
    await rawQuery(statement);
    const left = await scalar<string[]>(`select array_agg(id order by id) from audit_events where id like 'drill-%'`);
    assert.deepEqual(left, ['drill-new-1', 'drill-new-2']);
  });
});
