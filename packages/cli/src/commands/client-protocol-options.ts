/**
 * The protocol flags of `clients create|update`: PAR and DPoP per client, and the public keys of a
 * private_key_jwt client.
 * - `--require-par`: `require_pushed_authorization_requests` (RFC 9126 §6).
 * - `--require-dpop`: `dpop_bound_access_tokens` (RFC 9449 §5.2).
 * - `--jwks-file <path>`: a JWK Set of public keys, read here and sent inline (`jwks`);
 *   `--jwks-uri <uri>`: where the server fetches it. One replaces the other on an update, and
 *   `--jwks-uri ''` removes the URL. Checked by the server's rules (@portcullis/contract).
 */
import { readFileSync } from 'node:fs';
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

function readJwks(path: string): ClientJwks {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw usageError(`--jwks-file ${JSON.stringify(path)}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
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
