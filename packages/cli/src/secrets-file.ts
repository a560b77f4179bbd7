/**
 * Reads the admin token the server generated into DATA_DIR/secrets.json on its first embedded start.
 * - Only `adminToken` is taken; the cookie and encryption keys beside it are never parsed or kept.
 * - A missing file is not an error here (the caller explains what to do); an unreadable or malformed
 *   one is, because silently ignoring it would hide a real problem with the data directory.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { SECRETS_FILE_NAME } from '@portcullis/contract';
import { CliError } from './cli.error.js';

const secretsFileSchema = z.looseObject({ adminToken: z.string().min(1) });

export function secretsFilePath(dataDir: string, cwd: string): string {
  return path.resolve(cwd, dataDir, SECRETS_FILE_NAME);
}

export async function readAdminTokenFile(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw new CliError('cli.config', `cannot read ${file}: ${errorCode(error) ?? String(error)}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new CliError('cli.config', `${file} is not valid JSON`);
  }
  const parsed = secretsFileSchema.safeParse(json);
  if (!parsed.success) throw new CliError('cli.config', `${file} has no adminToken`);
  return parsed.data.adminToken;
}

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}
