/**
 * One writer per DATA_DIR, with real processes: a second `npm start` on the same DATA_DIR exits
 * at once naming the first (pid, start time); a server killed with SIGKILL leaves no lock that
 * blocks the next start; and the CLI finds the running server's admin API and token in DATA_DIR
 * with no environment at all, and ignores what a killed server left there.
 */
import assert from 'node:assert/strict';
import { access, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from './support/test-server.js';
import { runCli, runServerToExit, startServerProcess, type RunningServer } from './support/server-process.js';

describe('one server per DATA_DIR', () => {
  let home: string;
  let dataDir: string;
  let env: Record<string, string>;
  let first: RunningServer | undefined;
  let third: RunningServer | undefined;

  before(async () => {
    // The CLI runs from `home` with no environment: it finds ./.data as `npm run portcullis` would.
    home = await mkdtemp(path.join(os.tmpdir(), 'portcullis-lock-'));
    dataDir = path.join(home, '.data');
    await mkdir(dataDir, { mode: 0o700 });
    env = { DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(await freePort()), ADMIN_PORT: String(await freePort()), ADMIN_TOKEN: '' };
  });
  after(async () => {
    first?.child.kill('SIGKILL');
    third?.child.kill('SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  it('refuses a second server on the same DATA_DIR at once, naming the first one', async () => {
    first = await startServerProcess(env);
    const startedAt = Date.now();
    // Other ports, so only the DATA_DIR is shared.
    const second = await runServerToExit({ ...env, PORT: String(await freePort()), ADMIN_PORT: String(await freePort()) });
    assert.equal(second.code, 1, second.stderr);
    assert.match(second.stderr, new RegExp(`DATA_DIR ${dataDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by another Portcullis \\(pid ${first.pid}, started \\d{4}-\\d\\d-\\d\\dT`));
    assert.equal(second.stderr.trim().split('\n').length, 1, `one line: ${second.stderr}`);
    assert.ok(Date.now() - startedAt < 15_000, 'it exits before opening the database');
  });

  it('lets the CLI find the running server with no environment at all', async () => {
    const admin = JSON.parse(await readFile(path.join(dataDir, 'admin.json'), 'utf8'));
    assert.equal(admin.adminUrl, `http://127.0.0.1:${env.ADMIN_PORT}`);
    assert.equal((await stat(path.join(dataDir, 'admin.json'))).mode & 0o777, 0o600);
    const listed = await runCli(['clients', 'list', '--json'], { cwd: home });
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(JSON.parse(listed.stdout).clients.some((client: { client_id: string }) => client.client_id === 'portcullis-account'));
  });

  it('lets the explicit environment win over what the running server wrote', async () => {
    const elsewhere = String(await freePort());
    const run = await runCli(['clients', 'list'], { cwd: home, env: { ADMIN_PORT: elsewhere } });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`cannot reach the admin API at http://127\\.0\\.0\\.1:${elsewhere}`));
  });

  it('does not let a server killed with SIGKILL block the next start, and the CLI ignores its leftovers', async () => {
    first!.child.kill('SIGKILL');
    await first!.exited;
    await access(path.join(dataDir, 'admin.json')); // left behind: nothing ran at exit
    const stale = await runCli(['clients', 'list'], { cwd: home });
    assert.notEqual(stale.code, 0);
    assert.doesNotMatch(stale.stderr, new RegExp(`:${env.ADMIN_PORT}\\b`), 'the dead server’s address is not used');

    third = await startServerProcess(env);
    const listed = await runCli(['clients', 'list', '--json'], { cwd: home });
    assert.equal(listed.code, 0, listed.stderr);

    third.child.kill('SIGTERM');
    assert.equal(await third.exited, 0);
    await assert.rejects(access(path.join(dataDir, 'admin.json')), /ENOENT/, 'a clean stop removes admin.json');
  });
});
