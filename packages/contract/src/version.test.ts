import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { PORTCULLIS_VERSION } from './version.js';

const root = new URL('../../../', import.meta.url);
const versionOf = (path: string): unknown => (JSON.parse(readFileSync(new URL(path, root), 'utf8')) as { version?: unknown }).version;

void describe('the project version', () => {
  void it('is the root package.json version, a semantic version', () => {
    assert.equal(PORTCULLIS_VERSION, versionOf('package.json'));
    assert.match(PORTCULLIS_VERSION, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  // The built image ships the workspace packages without the root package.json, so each one
  // carries the release; a version bump changes all of them together.
  void it('is the same in every workspace package', () => {
    const packages = readdirSync(new URL('packages/', root)).map((name) => `packages/${name}/package.json`);
    for (const path of [...packages, 'test/package.json', 'bench/package.json']) {
      assert.equal(versionOf(path), PORTCULLIS_VERSION, path);
    }
  });
});
