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

/** Signal 0 checks that a process exists without touching it; EPERM means it exists as another user. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
