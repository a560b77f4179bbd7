import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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
});
