/**
 * The protocol flags of `clients create|update`: PAR and DPoP per client, and the public keys of a
 * private_key_jwt client.
 * - `--require-par`: `require_pushed_authorization_requests` (RFC 9126 §6).
 * - `--require-dpop`: `dpop_bound_access_tokens` (RFC 9449 §5.2).
 * - `--jwks-file <path>`: a JWK Set of public keys, read here and sent inline (`jwks`);
 *   `--jwks-uri <uri>`: where the server fetches it. One replaces the other on an update, and
 *   `--jwks-uri ''` removes the URL. Checked by the server's rules (@portcullis/contract).
 * - The file must be a regular file of at most MAX_JWKS_FILE_BYTES: ten public keys fit in a few
 *   KiB, and a device or pipe (`/dev/zero`) would otherwise be read until memory runs out.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { clientJwksSchema, jwksUriProblem, type ClientJwks } from '@portcullis/contract';
import { usageError } from '../cli.error.js';

export function addProtocolOptions(command: Command, mode: 'create' | 'update'): Command {
  const par = 'the client must push its authorization requests (PAR, RFC 9126); /auth refuses others';
  const dpop = 'the client must send DPoP proofs: its tokens are always sender-constrained (RFC 9449)';
  command
    .option('--require-par', par)
    .option('--require-dpop', dpop)
    .option('--jwks-file <path>', `a JSON file with the client's public keys (a JWK Set), for --auth-method private_key_jwt${mode === 'update' ? '; replaces --jwks-uri' : ''}`)
    .option('--jwks-uri <uri>', `https URL of the client's JWK Set, for --auth-method private_key_jwt${mode === 'update' ? "; replaces --jwks-file; '' removes it" : ''}`);
  if (mode === 'update') {
    command.option('--no-require-par', 'no longer require PAR').option('--no-require-dpop', 'no longer require DPoP');
  }
  return command;
}

export interface ProtocolFields {
  require_pushed_authorization_requests?: boolean;
  dpop_bound_access_tokens?: boolean;
  jwks?: ClientJwks | null;
  jwks_uri?: string | null;
}

export const MAX_JWKS_FILE_BYTES = 64 * 1024;

/**
 * The file's text, read only when it is a regular file within the bound: stat first, so a device
 * or a FIFO is never opened, then at most one byte past the bound, in case it grew meanwhile.
 */
function readBoundedFile(path: string): string {
  const flag = `--jwks-file ${JSON.stringify(path)}`;
  const tooLarge = usageError(`${flag}: larger than ${MAX_JWKS_FILE_BYTES / 1024} KiB; a JWK Set of public keys is a few KiB`);
  const cannotRead = (error: unknown) => usageError(`${flag}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  let stat;
  try {
    stat = statSync(path);
  } catch (error) {
    throw cannotRead(error);
  }
  if (!stat.isFile()) throw usageError(`${flag}: not a regular file`);
  if (stat.size > MAX_JWKS_FILE_BYTES) throw tooLarge;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw cannotRead(error);
  }
  try {
    const buffer = Buffer.alloc(MAX_JWKS_FILE_BYTES + 1);
    let length = 0;
    while (length < buffer.length) {
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > MAX_JWKS_FILE_BYTES) throw tooLarge;
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

function readJwks(path: string): ClientJwks {
  const text = readBoundedFile(path);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw usageError(`--jwks-file ${JSON.stringify(path)}: not JSON`);
  }
  const parsed = clientJwksSchema.safeParse(json);
  if (!parsed.success) throw usageError(`--jwks-file ${JSON.stringify(path)}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  return parsed.data;
}

/** The fields given, checked; a bad one is a usage error naming its flag. */
export function parseProtocolFlags(flags: Record<string, unknown>, mode: 'create' | 'update'): ProtocolFields {
  const body: ProtocolFields = {};
  if (typeof flags.requirePar === 'boolean') body.require_pushed_authorization_requests = flags.requirePar;
  if (typeof flags.requireDpop === 'boolean') body.dpop_bound_access_tokens = flags.requireDpop;
  const file = typeof flags.jwksFile === 'string' ? flags.jwksFile : undefined;
  const uri = typeof flags.jwksUri === 'string' ? flags.jwksUri : undefined;
  if (file !== undefined && uri !== undefined) throw usageError('pass --jwks-file or --jwks-uri, not both');
  if (file !== undefined) {
    body.jwks = readJwks(file);
    if (mode === 'update') body.jwks_uri = null;
  }
  if (uri !== undefined) {
    if (uri === '' && mode === 'update') {
      body.jwks_uri = null;
    } else {
      const problem = jwksUriProblem(uri);
      if (problem) throw usageError(`--jwks-uri ${JSON.stringify(uri)} ${problem}`);
      body.jwks_uri = uri;
      if (mode === 'update') body.jwks = null;
    }
  }
  return body;
}
