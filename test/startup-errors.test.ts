/**
 * Configuration errors in the operator's words, with the real process: each start below exits
 * non-zero with one line that names the variable (and the value, without a password), and no
 * stack trace.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort, startTestServer } from './support/test-server.js';
import { runServerToExit, type Exit } from './support/server-process.js';

function assertOneClearLine(result: Exit, pattern: RegExp): void {
  assert.notEqual(result.code, 0, 'exits non-zero');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line:\n${result.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(result.stderr, /\n\s+at |NaN|node:internal/, 'no stack trace, no NaN');
}

describe('start-up errors name the variable', () => {
  let dataDir: string;
  let ports: { port: number; adminPort: number };
  const secret = 'hunter2-do-not-print';
  const production = () => ({
    COOKIE_KEYS: randomBytes(32).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ADMIN_TOKEN: randomBytes(32).toString('base64url'),
  });

  before(async () => {
    // A DATA_DIR with a database and signing keys in it, as after a first `npm start`.
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-start-errors-'));
    ports = { port: await freePort(), adminPort: await freePort() };
    const server = await startTestServer({}, { dataDir, ports });
    await server.close();
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const embedded = () => ({ DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: String(ports.port), ADMIN_PORT: String(ports.adminPort) });

  it('PORT=abc says what a port is, not "received NaN"', async () => {
    assertOneClearLine(await runServerToExit({ ...embedded(), PORT: 'abc' }), /PORT: must be a port number \(1-65535\)/);
  });

  it('refuses PORT equal to ADMIN_PORT', async () => {
    assertOneClearLine(await runServerToExit({ ...embedded(), ADMIN_PORT: String(ports.port) }), new RegExp(`ADMIN_PORT: must differ from PORT \\(both are ${ports.port}\\)`));
  });

  it('names DATABASE_URL, without its password, when the database cannot be reached', async () => {
    const closed = await freePort();
    const url = `postgres://portcullis:${secret}@127.0.0.1:${closed}/portcullis?sslpassword=${secret}`;
    const result = await runServerToExit({ ...production(), DATABASE_URL: url, PORT: String(ports.port), ADMIN_PORT: String(ports.adminPort) });
    assertOneClearLine(result, new RegExp(`cannot reach the database at DATABASE_URL \\(postgres://portcullis@127\\.0\\.0\\.1:${closed}/portcullis\\): ECONNREFUSED`));
    assert.doesNotMatch(result.stderr, new RegExp(secret));
  });

  it('names ENCRYPTION_KEY and secrets.json when the key does not open the data', async () => {
    const result = await runServerToExit({ ...embedded(), ENCRYPTION_KEY: randomBytes(32).toString('base64') });
    assertOneClearLine(result, /ENCRYPTION_KEY does not open the data encrypted at rest .*secrets\.json/);
  });

  for (const variable of ['PORT', 'ADMIN_PORT'] as const) {
    it(`names ${variable} and the port when it is taken`, async () => {
      const squatter = net.createServer();
      const port = variable === 'PORT' ? ports.port : ports.adminPort;
      await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
      try {
        assertOneClearLine(await runServerToExit(embedded()), new RegExp(`${variable} ${port} is already in use on 127\\.0\\.0\\.1`));
      } finally {
        await new Promise((resolve) => squatter.close(resolve));
      }
    });
  }
});
