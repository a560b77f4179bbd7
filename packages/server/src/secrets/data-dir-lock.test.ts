import assert from 'node:assert/strict';
import { chmod, link, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.js';

describe('the DATA_DIR lock', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-lock-unit-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('refuses a second holder, naming the first, and is free again once released', async () => {
    const startedAt = new Date('2026-01-02T03:04:05.000Z');
    const first = lockDataDir(dataDir, startedAt);
    assert.deepEqual(JSON.parse(await readFile(path.join(dataDir, 'portcullis.lock'), 'utf8')), { pid: process.pid, startedAt: startedAt.toISOString() });
    // Open-file-description locks (flock on macOS) conflict within one process too.
    assert.throws(() => lockDataDir(dataDir), (error: unknown) => {
      assert.ok(error instanceof DataDirInUseError);
      assert.equal(error.message, `DATA_DIR ${dataDir} is in use by another Portcullis (pid ${process.pid}, started 2026-01-02T03:04:05.000Z); stop it first, or give this one its own DATA_DIR`);
      return true;
    });
    first.release();
    lockDataDir(dataDir).release();
  });

  it('never writes through a planted symbolic or hard link, and leaves its target as it was', async () => {
    for (const plant of [symlink, link]) {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-lock-link-'));
      try {
        const target = path.join(dir, 'precious.txt');
        await writeFile(target, 'keep me\n');
        await plant(target, path.join(dir, 'portcullis.lock'));
        assert.throws(() => lockDataDir(dir), /portcullis\.lock (is a symbolic link|has other names)/, plant.name);
        assert.equal(await readFile(target, 'utf8'), 'keep me\n', plant.name);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it('makes DATA_DIR 0700 before it opens the lock file there', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-lock-mode-'));
    try {
      await chmod(dir, 0o755);
      lockDataDir(dir).release();
      assert.equal((await stat(dir)).mode & 0o777, 0o700);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
