/**
 * Reads DATA_DIR/admin.json, where a running embedded server says where its admin API is and
 * which token it takes (packages/server/src/secrets/admin-file.ts). The file is ignored when the
 * process that wrote it is gone (the server was killed and could not remove it), so a stale file
 * never sends the CLI to a port nobody listens on with an old token.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ADMIN_FILE_NAME } from '@portcullis/contract';
import { CliError } from './cli.error.js';

const adminFileSchema = z.object({
  adminUrl: z.url({ protocol: /^https?$/ }),
  adminToken: z.string().min(1),
  pid: z.number().int().positive(),
});

export type RunningServer = z.infer<typeof adminFileSchema>;

export async function readRunningServer(dataDir: string, cwd: string): Promise<RunningServer | undefined> {
  const file = path.resolve(cwd, dataDir, ADMIN_FILE_NAME);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError('cli.config', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined; // being replaced right now, or damaged: the environment's defaults apply
  }
  const parsed = adminFileSchema.safeParse(json);
  if (!parsed.success || !isAlive(parsed.data.pid)) return undefined;
  return parsed.data;
}

/**
 * Signal 0 checks that a process exists without touching it; EPERM means it exists as another user.
 * A reused pid can make a stale file look live: the CLI then fails to connect (or the token is
 * refused) and says so; it never sends anything but the admin token the file itself holds, to
 * the loopback address it names. Asking the DATA_DIR lock would be exact, but the lock library
 * (fs-native-extensions) has no probe that leaves the lock alone (no F_GETLK): a try-lock from
 * the CLI would hold it for a moment, and a server starting in that moment would refuse to start.
 */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
