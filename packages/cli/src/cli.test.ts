import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import { run } from './testing/run.js';

/** A port that was free a moment ago: listen on port 0, note the port, close. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const env = { ADMIN_TOKEN: 't' };

void describe('portcullis (program level)', () => {
  void it('exits 1 with one line when nothing listens on the admin port', async () => {
    const port = await freePort();
    const result = await run(['keys', 'list'], { ADMIN_HOST: '127.0.0.1', ADMIN_PORT: String(port), ADMIN_TOKEN: 't' });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `portcullis: cannot reach the admin API at http://127.0.0.1:${port} (is the server running?)\n`);
  });

  void it('rejects an unknown command with exit 2 and one stderr line', async () => {
    const result = await run(['frobnicate'], env);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "portcullis: unknown command 'frobnicate'\n");
  });

  void it('keeps commander\'s suggestion on the same line as an unknown option', async () => {
    const result = await run(['clients', 'list', '--jsn'], env);
    assert.equal(result.code, 2);
    assert.equal(result.stderr, "portcullis: unknown option '--jsn' (Did you mean --json?)\n");
  });

  void it('rejects a missing or extra argument with exit 2', async () => {
    assert.equal((await run(['users', 'show'], env)).code, 2);
    const extra = await run(['keys', 'list', 'extra'], env);
    assert.equal(extra.code, 2);
    assert.match(extra.stderr, /^portcullis: too many arguments[^\n]*\n$/);
  });

  void it('prints help on stdout and exits 0 for --help at every level', async () => {
    for (const argv of [['--help'], ['clients', '--help'], ['clients', 'create', '--help'], ['help', 'users']]) {
      const result = await run(argv, env);
      assert.equal(result.code, 0, argv.join(' '));
      assert.match(result.stdout, /^Usage: portcullis/, argv.join(' '));
      assert.equal(result.stderr, '');
    }
    assert.match((await run(['clients', 'create', '--help'], env)).stdout, /--redirect-uri <uri>/);
  });

  void it('prints the project version for --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await run([flag], {});
      assert.equal(result.code, 0, flag);
      assert.equal(result.stdout, `${PORTCULLIS_VERSION}\n`, flag);
      assert.match(PORTCULLIS_VERSION, /^\d+\.\d+\.\d+/);
    }
  });

  void it('treats a command group without a subcommand as a usage error, with help on stderr', async () => {
    const result = await run(['keys'], env);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /^Usage: portcullis keys/);
  });
});
