import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { writeAdminFile } from './admin-file.js';

describe('admin.json', () => {
  it('never writes through a link planted at the old temporary name, and replaces a link at admin.json instead of following it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'portcullis-admin-file-'));
    try {
      const target = path.join(dir, 'precious.txt');
      await writeFile(target, 'keep me\n');
      await symlink(target, path.join(dir, `admin.json.${process.pid}.tmp`));
      await symlink(target, path.join(dir, 'admin.json'));
      const remove = await writeAdminFile(dir, { adminUrl: 'http://127.0.0.1:9', adminToken: 't' });
      assert.equal(await readFile(target, 'utf8'), 'keep me\n');
      assert.equal(JSON.parse(await readFile(path.join(dir, 'admin.json'), 'utf8')).adminToken, 't');
      assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.tmp') && name !== `admin.json.${process.pid}.tmp`), [], 'no temporary file left');
      remove();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
