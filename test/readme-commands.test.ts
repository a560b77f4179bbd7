/**
 * Every command the README and the start-up banner show works as written on a fresh machine,
 * where pnpm is not on PATH (it lives in .tools/) and only npm is.
 * - Every shell command in the README's code blocks, and every inline `npm …`, is checked: it is
 *   `npm start`, `npm test` or `npm run SCRIPT` with SCRIPT in package.json, with `--` before any
 *   argument meant for the script (npm keeps flags before it for itself), and the files the
 *   script runs exist.
 * - The CLI commands are run for real, as written (placeholders filled in), against a server.
 * - The Quick start is walked on a fresh clone: `npm start` until the banner and a discovery
 *   fetch, the banner's own command, and the CLI with no environment; then the server stops.
 *   The clone reuses this checkout's .tools and the installed pnpm store, so it runs offline.
 * Cost: ~1 min for the CLI commands, 1-2 min for the clone (install from the store, cold start).
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startTestServer, freePort, type TestServer } from './support/test-server.js';
import { root } from './support/server-process.js';
import { authorizationUrl, registerAccount, THIRD_PARTY_REDIRECT } from './support/pages.js';
import { UserAgent } from './support/user-agent.js';

const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** Each line of the README's shell code blocks, without its trailing comment. */
function blockCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const block of markdown.matchAll(/^```(?:sh|bash|shell|console)\n([\s\S]*?)^```/gm)) {
    for (const line of block[1]!.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

/** Inline code that is a command of the package managers (`npm test`, `npm run lint`, `pnpm …`). */
function inlineCommands(markdown: string): string[] {
  const outside = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...outside.matchAll(/`((?:npm|pnpm) [^`]+)`/g)].map((match) => match[1]!);
}

/** Splits a command line as the shell would for the simple quoting the README uses. */
function words(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** Why `command` would not run as written on a fresh machine, or undefined. */
function problemWith(command: string): string | undefined {
  const [tool, verb, script, ...rest] = words(command);
  if (tool !== 'npm') return `starts with ${tool}: only npm is on PATH on a fresh machine`;
  const name = verb === 'run' ? script : verb;
  const args = verb === 'run' ? rest : [script, ...rest].filter((w) => w !== undefined);
  if (!['start', 'test', 'run'].includes(verb ?? '')) return `npm ${verb} is not a script command`;
  if (!name || scripts[name] === undefined) return `no script "${name}" in package.json`;
  if (args.length > 0 && args[0] !== '--') return `arguments for the script need "--" before them (npm run ${name} -- ${args.join(' ')})`;
  for (const file of scripts[name].split(/\s+/).filter((w) => /^[\w.-]+\/[\w./-]+$/.test(w))) {
    if (!existsSync(path.join(root, file))) return `script "${name}" runs ${file}, which does not exist`;
  }
  return undefined;
}

function sh(command: string, options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('bash', ['-c', command], { cwd: options.cwd, env: options.env, timeout: options.timeoutMs }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** The test's environment without anything that would point the CLI elsewhere. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['ADMIN_HOST', 'ADMIN_PORT', 'ADMIN_TOKEN', 'DATA_DIR', 'PORT', 'ISSUER', 'DATABASE_URL', 'REDIS_URL']) delete env[name];
  return { ...env, ...extra };
}

describe('README commands', () => {
  it('finds the commands (the extraction itself works)', () => {
    const commands = blockCommands(readme);
    assert.ok(commands.includes('npm start'));
    assert.ok(commands.filter((c) => c.includes('portcullis')).length >= 10, commands.join('\n'));
  });

  it('shows only commands that run as written on a fresh machine', () => {
    const problems = [...blockCommands(readme), ...inlineCommands(readme)]
      .map((command) => [command, problemWith(command)] as const)
      .filter(([, problem]) => problem !== undefined)
      .map(([command, problem]) => `${command}: ${problem}`);
    assert.deepEqual(problems, []);
  });

  it('shows only npm forms of package-manager commands in CONTRIBUTING.md (no bare pnpm)', () => {
    const contributing = readFileSync(path.join(root, 'CONTRIBUTING.md'), 'utf8');
    const commands = [...blockCommands(contributing), ...inlineCommands(contributing)].filter((command) => /^p?npm /.test(command));
    assert.ok(commands.includes('npm test'), commands.join('\n'));
    const problems = commands
      .map((command) => [command, problemWith(command)] as const)
      .filter(([, problem]) => problem !== undefined)
      .map(([command, problem]) => `${command}: ${problem}`);
    assert.deepEqual(problems, []);
  });

  it('catches what would not run (the checker can fail)', () => {
    assert.match(problemWith('pnpm portcullis clients list')!, /only npm is on PATH/);
    assert.match(problemWith('npm run portcullis clients list --json')!, /need "--"/);
    assert.match(problemWith('npm run nothing-like-this')!, /no script/);
    assert.equal(problemWith('npm run portcullis -- clients list'), undefined);
  });
});

describe('README CLI commands, run as written', () => {
  let server: TestServer;
  let env: NodeJS.ProcessEnv;
  const alice = { email: 'alice@example.com', password: 'alice has a long passphrase' };

  before(async () => {
    server = await startTestServer();
    env = cleanEnv({ ADMIN_HOST: '127.0.0.1', ADMIN_PORT: new URL(server.adminUrl).port, ADMIN_TOKEN: server.adminToken });
    await registerAccount(server, alice);
  });
  after(() => server.close());

  /** A client of its own for each line that names CLIENT_ID; alice has allowed it when the line needs a consent. */
  async function clientFor(command: string): Promise<string> {
    // Confidential (a secret to rotate) and third-party (a consent to give).
    const created = await server.admin('POST', '/admin/clients', { client_name: 'README client', redirect_uris: [THIRD_PARTY_REDIRECT], scope: 'openid email' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const client = { client_id: created.body.client_id as string, redirect_uri: THIRD_PARTY_REDIRECT };
    if (command.includes('revoke-consent')) {
      const agent = new UserAgent();
      const login = await agent.follow(authorizationUrl(server, client));
      const posted = await agent.submit(login, '/login', alice);
      const consent = await agent.follow(posted.location!, (location) => location.startsWith(client.redirect_uri));
      const allowed = await agent.submit(consent, '/consent', {});
      assert.equal(allowed.status, 303, `alice's consent: ${allowed.status}`);
    }
    return client.client_id;
  }

  it('runs every `npm run portcullis -- …` line of the README and each exits 0', async () => {
    const commands = blockCommands(readme).filter((command) => command.startsWith('npm run portcullis -- '));
    assert.ok(commands.length >= 15, `found ${commands.length}`);
    const failures: string[] = [];
    for (const written of commands) {
      const command = written.includes('CLIENT_ID') ? written.replaceAll('CLIENT_ID', await clientFor(written)) : written;
      const result = await sh(command, { cwd: root, env, timeoutMs: 60_000 });
      if (result.code !== 0) failures.push(`${written} → exit ${result.code}: ${result.stderr.trim().split('\n').at(-1)}`);
    }
    assert.deepEqual(failures, []);
  });
});

describe('Quick start on a fresh clone', () => {
  let home: string;
  let server: ReturnType<typeof spawn> | undefined;

  before(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'portcullis-quickstart-'));
  });
  after(async () => {
    if (server?.pid && server.exitCode === null) process.kill(-server.pid, 'SIGKILL');
    await rm(home, { recursive: true, force: true });
  });

  it('npm start prints the banner, serves discovery, and the banner\'s and README\'s commands work with no environment', async () => {
    const clone = path.join(home, 'portcullis');
    const cloned = await sh(`git clone --quiet "${root}" "${clone}"`, { cwd: home, env: process.env, timeoutMs: 60_000 });
    assert.equal(cloned.code, 0, cloned.stderr);
    // The toolchain this checkout already fetched (Node.js, pnpm), so the walk needs no network;
    // pnpm installs from its store.
    if (existsSync(path.join(root, '.tools'))) await symlink(path.join(root, '.tools'), path.join(clone, '.tools'));
    const [port, adminPort] = [await freePort(), await freePort()];
    // Only the ports differ from what a person types: the defaults may be taken on this machine.
    const env = cleanEnv({ PORT: String(port), ADMIN_PORT: String(adminPort), npm_config_prefer_offline: 'true' });

    let stderr = '';
    const started = spawn('bash', ['-c', 'npm start'], { cwd: clone, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    server = started;
    started.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const deadline = Date.now() + 240_000;
    while (!stderr.includes('Portcullis is running') && started.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.match(stderr, /Portcullis is running/, `no banner:\n${stderr.slice(-3000)}`);

    const discovery = await fetch(`http://localhost:${port}/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, `http://localhost:${port}`);

    // Every command the banner shows, as written, from the clone, with nothing in the environment
    // that names the server: the CLI finds it through ./.data/admin.json.
    const bannerCommands = [...stderr.matchAll(/\(use: ([^)]+)\)/g)].map((match) => match[1]!);
    assert.ok(bannerCommands.length > 0, 'the banner shows a command');
    const bare = cleanEnv({});
    for (const command of [...bannerCommands, 'npm run portcullis -- clients list --json']) {
      assert.equal(problemWith(command), undefined, command);
      const result = await sh(command, { cwd: clone, env: bare, timeoutMs: 60_000 });
      assert.equal(result.code, 0, `${command}: ${result.stderr}`);
    }

    // Stop the server itself (its pid is in the lock file), as Ctrl-C would; npm then exits with its code.
    const { pid } = JSON.parse(readFileSync(path.join(clone, '.data', 'portcullis.lock'), 'utf8')) as { pid: number };
    process.kill(pid, 'SIGTERM');
    const code = await new Promise((resolve) => (started.exitCode !== null ? resolve(started.exitCode) : started.once('exit', (c, s) => resolve(c ?? s))));
    assert.equal(code, 0, `npm start stopped cleanly:\n${stderr.slice(-2000)}`);
    assert.equal(existsSync(path.join(clone, '.data', 'admin.json')), false, 'a clean stop removes admin.json');
  });
});
