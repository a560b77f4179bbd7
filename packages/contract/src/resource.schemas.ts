/**
 * Resource servers (APIs) an access token can be issued for (RFC 8707 resource indicators,
 * RFC 9068 JWT access tokens): the rules the server and the CLI share, and the bodies of
 * `POST /admin/resources`, `PATCH /admin/resources/:identifier` and their answers.
 * - Identifier: an absolute URI without a fragment (RFC 8707 §2) and, by our choice, without a
 *   query (§2 says SHOULD NOT) or user information; https, or http on a loopback host
 *   (127.0.0.1, [::1], localhost) for development, as redirect URIs. A token request matches it
 *   exactly, character for character: it is the access token's `aud`, which an API compares as a
 *   string (RFC 9068 §4), so no two spellings of one API may exist.
 * - Scopes: scope-tokens (RFC 6749 §3.3), one to MAX_RESOURCE_SCOPES; never an OpenID Connect
 *   scope, which belongs to the server itself (userinfo), not to an API.
 * - Access token format: `jwt` (RFC 9068, verifiable offline) by default, or `opaque` (the API
 *   introspects, and a revocation takes effect at once).
 * - TTL: the access token's lifetime, 60 s to 24 h (default 15 min). A JWT cannot be recalled
 *   before it expires, so keep it short.
 */
import { z } from 'zod';
import { isOidcScope, scopeProblem, scopeTokens } from './client-rules.js';

export const MAX_RESOURCE_SCOPES = 100;
export const MAX_RESOURCE_IDENTIFIER_LENGTH = 1000;
export const RESOURCE_TTL_BOUNDS = { min: 60, max: 24 * 60 * 60, default: 15 * 60 } as const;
export const ACCESS_TOKEN_FORMATS = ['jwt', 'opaque'] as const;
export type AccessTokenFormat = (typeof ACCESS_TOKEN_FORMATS)[number];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why a resource identifier is refused, or undefined when it is acceptable. */
export function resourceIdentifierProblem(value: string): string | undefined {
  if (value.length > MAX_RESOURCE_IDENTIFIER_LENGTH) return `longer than ${MAX_RESOURCE_IDENTIFIER_LENGTH} characters`;
  if (/[\s"\\<>]/.test(value) || /[^\x21-\x7e]/.test(value)) return 'must be printable ASCII without spaces, quotes, backslashes or angle brackets';
  const url = URL.parse(value);
  if (!url) return 'not an absolute URI (RFC 8707 §2)';
  if (value.includes('#')) return 'must not contain a fragment (RFC 8707 §2)';
  if (url.search !== '' || value.includes('?')) return 'must not contain a query (RFC 8707 §2)';
  if (url.username !== '' || url.password !== '') return 'must not contain user information';
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return 'http is only allowed for loopback hosts (127.0.0.1, [::1], localhost)';
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'must use https (or http for a loopback host)';
  return undefined;
}

/** Why a resource's scope is refused, or undefined. */
export function resourceScopeProblem(scope: string): string | undefined {
  if (isOidcScope(scope)) return 'an OpenID Connect scope belongs to the server, not to an API';
  return scopeProblem(scope);
}

const identifier = z
  .string()
  .superRefine((value, ctx) => {
    const problem = resourceIdentifierProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `identifier ${JSON.stringify(value.slice(0, 200))}: ${problem}` });
  });

/** A list of scopes, or space-separated text: normalised to a deduplicated list. */
const scopes = z
  .union([z.array(z.string().max(1000)).max(1000), z.string().max(20_000).transform(scopeTokens)], { error: 'scopes must name at least one scope (a list, or space-separated text)' })
  .transform((list) => [...new Set(list)])
  .superRefine((list, ctx) => {
    if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'scopes must name at least one scope' });
    if (list.length > MAX_RESOURCE_SCOPES) ctx.addIssue({ code: 'custom', message: `at most ${MAX_RESOURCE_SCOPES} scopes` });
    for (const s of list) {
      const problem = resourceScopeProblem(s);
      if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `scope ${JSON.stringify(s.slice(0, 200))}: ${problem}` });
    }
  });

const name = z.string().trim().min(1, 'name must not be empty').max(200, 'name is at most 200 characters');
const ttl = z.number().int().min(RESOURCE_TTL_BOUNDS.min, `access_token_ttl is at least ${RESOURCE_TTL_BOUNDS.min} seconds`).max(RESOURCE_TTL_BOUNDS.max, `access_token_ttl is at most ${RESOURCE_TTL_BOUNDS.max} seconds (24 h)`);
const format = z.enum(ACCESS_TOKEN_FORMATS, { message: 'access_token_format is jwt or opaque' });

export const createResourceSchema = z.strictObject({
  identifier,
  /** Shown on the consent page; the identifier when absent. */
  name: name.optional(),
  scopes,
  access_token_format: format.default('jwt'),
  access_token_ttl: ttl.default(RESOURCE_TTL_BOUNDS.default),
});
export type ResourceCreateInput = z.input<typeof createResourceSchema>;

/** The identifier never changes: it is in every token issued for the API. */
export const updateResourceSchema = z.strictObject({
  name: name.optional(),
  scopes: scopes.optional(),
  access_token_format: format.optional(),
  access_token_ttl: ttl.optional(),
});
export type ResourceUpdateInput = z.input<typeof updateResourceSchema>;

const resourceViewShape = {
  identifier: z.string(),
  name: z.string(),
  scopes: z.array(z.string()),
  access_token_format: z.string(),
  /** Seconds. */
  access_token_ttl: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
};
export const resourceViewSchema = z.looseObject(resourceViewShape);
export type ResourceView = z.output<z.ZodObject<typeof resourceViewShape>>;
export const resourceListSchema = z.looseObject({ resources: z.array(resourceViewSchema) });

/** `10m`, `1h`, `90s`, `900` (seconds) as seconds; undefined when not a duration. */
export function parseDurationSeconds(text: string): number | undefined {
  const match = /^(\d{1,6})([smh]?)$/.exec(text.trim());
  if (!match) return undefined;
  const factor = { '': 1, s: 1, m: 60, h: 3600 }[match[2] as '' | 's' | 'm' | 'h'];
  return Number(match[1]) * factor;
}
