/**
 * The build context Docker and Podman send: Podman reads .containerignore, Docker only
 * .dockerignore, so the two must be the same file or a Docker build would ship local state
 * (.data holds an embedded server's secrets) into the image's build stage (docs/image.md).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(import.meta.dirname, '..');

describe('build context ignore files', () => {
  it('.dockerignore equals .containerignore and leaves out local state and secrets', async () => {
    const podman = await readFile(path.join(root, '.containerignore'), 'utf8');
    const docker = await readFile(path.join(root, '.dockerignore'), 'utf8');
    assert.equal(docker, podman);
    const rules = podman.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const kept of ['.git', '.tools', '.data', '.stack', '**/node_modules']) assert.ok(rules.includes(kept), `${kept} is left out`);
  });
});
