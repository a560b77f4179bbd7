/**
 * `--logo-uri`, `--client-uri`, `--policy-uri`, `--tos-uri` of `clients create|update`: what the
 * consent page shows of the client (OpenID Connect Dynamic Client Registration 1.0 §2). Each is
 * an https URL, by the same rule the server applies (@portcullis/contract httpsUrlProblem); on an
 * update, '' removes one.
 */
import type { Command } from 'commander';
import { httpsUrlProblem, imageUrlProblem } from '@portcullis/contract';
import { usageError } from '../cli.error.js';

const LINKS = [
  { flag: '--logo-uri', key: 'logoUri', field: 'logo_uri', help: "the client's logo on the consent page (https)" },
  { flag: '--client-uri', key: 'clientUri', field: 'client_uri', help: "the client's home page, linked on the consent page (https)" },
  { flag: '--policy-uri', key: 'policyUri', field: 'policy_uri', help: "the client's privacy policy, linked on the consent page (https)" },
  { flag: '--tos-uri', key: 'tosUri', field: 'tos_uri', help: "the client's terms of service, linked on the consent page (https)" },
] as const;

type PageLinkField = (typeof LINKS)[number]['field'];

export function addPageLinkOptions(command: Command, mode: 'create' | 'update'): Command {
  for (const link of LINKS) command.option(`${link.flag} <uri>`, `${link.help}${mode === 'update' ? "; '' removes it" : ''}`);
  return command;
}

/** The fields given, checked; a bad one is a usage error naming its flag. */
export function parsePageLinkFlags(flags: Record<string, unknown>, mode: 'create' | 'update'): Partial<Record<PageLinkField, string | null>> {
  const body: Partial<Record<PageLinkField, string | null>> = {};
  const problems: string[] = [];
  for (const link of LINKS) {
    const value = flags[link.key];
    if (value === undefined) continue;
    if (typeof value !== 'string') continue;
    if (value === '' && mode === 'update') {
      body[link.field] = null;
      continue;
    }
    const problem = link.field === 'logo_uri' ? imageUrlProblem(value) : httpsUrlProblem(value);
    if (problem) problems.push(`${link.flag} ${JSON.stringify(value)} ${problem}`);
    else body[link.field] = value;
  }
  if (problems.length > 0) throw usageError(problems.join('; '));
  return body;
}
