/**
 * Secrets for embedded mode: whatever the environment did not supply is generated once and kept
 * in DATA_DIR/secrets.json (mode 0600), so cookies, encrypted rows and the admin token survive a
 * restart. Production mode never comes here: its secrets are required variables.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Config, Secrets } from '@portcullis/config';
import { SECRETS_FILE_NAME } from '@portcullis/contract';

const fileSchema = z.object({
  cookieKeys: z.array(z.string().min(32)).min(1),
  encryptionKey: z.string().refine((v) => Buffer.from(v, 'base64').length === 32),
  adminToken: z.string().min(32),
});

export function secretsFilePath(dataDir: string): string {
  return path.join(dataDir, SECRETS_FILE_NAME);
}

export async function resolveSecrets(config: Pick<Config, 'mode' | 'secrets' | 'dataDir'>): Promise<Secrets> {
  const { cookieKeys, encryptionKeys, adminToken } = config.secrets;
  if (cookieKeys && encryptionKeys && adminToken) return { cookieKeys, encryptionKeys, adminToken };
  if (config.mode === 'production') throw new Error('production mode requires COOKIE_KEYS, ENCRYPTION_KEY (or ENCRYPTION_KEYS) and ADMIN_TOKEN');

  const stored = await readOrCreate(config.dataDir);
  return {
    cookieKeys: cookieKeys ?? stored.cookieKeys,
    encryptionKeys: encryptionKeys ?? [Buffer.from(stored.encryptionKey, 'base64')],
    adminToken: adminToken ?? stored.adminToken,
  };
}

async function readOrCreate(dataDir: string): Promise<z.infer<typeof fileSchema>> {
  const file = secretsFilePath(dataDir);
  try {
    const parsed = fileSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
    if (!parsed.success) throw new Error(`${file} is not a valid secrets file; fix or remove it`);
    return parsed.data;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const generated = {
    cookieKeys: [randomBytes(32).toString('base64url')],
    encryptionKey: randomBytes(32).toString('base64'),
    adminToken: randomBytes(32).toString('base64url'),
  };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // `wx` fails if another process created the file meanwhile; then we read theirs.
  try {
    await writeFile(file, `${JSON.stringify(generated, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreate(dataDir);
    throw error;
  }
  await chmod(file, 0o600);
  return generated;
}
