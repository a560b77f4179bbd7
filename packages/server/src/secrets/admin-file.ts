/**
 * Tells the CLI where this embedded server's admin API is: DATA_DIR/admin.json holds its URL, its
 * token and this process's pid, so `npm run portcullis -- clients list` works right after
 * `npm start` with no environment, whatever ADMIN_PORT or ADMIN_TOKEN the server was given.
 * - Mode 0600 in the 0700 DATA_DIR, beside secrets.json, which already holds the admin token.
 * - Written whole (a temporary file renamed over it), so the CLI never reads half of it. The
 *   temporary file has a random name and is created exclusively ('wx'), so a link planted under a
 *   guessable name cannot make us write through it; rename replaces a link at admin.json itself
 *   rather than following it.
 * - Removed on a clean stop; after a kill -9 it stays, and the CLI ignores it because its pid
 *   is gone (packages/cli/src/admin-file.ts).
 */
import { chmod, rename, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { ADMIN_FILE_NAME } from '@portcullis/contract';

export interface AdminFile {
  adminUrl: string;
  adminToken: string;
}

/** Writes the file and returns what removes it again (synchronous, so it can run at exit). */
export async function writeAdminFile(dataDir: string, admin: AdminFile): Promise<() => void> {
  const file = path.join(dataDir, ADMIN_FILE_NAME);
  const temporary = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  await writeFile(temporary, `${JSON.stringify({ ...admin, pid: process.pid }, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  await chmod(temporary, 0o600);
  await rename(temporary, file);
  return () => rmSync(file, { force: true });
}
