/**
 * A client's public keys for private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9): a JWK Set
 * registered inline (`jwks`) or the https URL the server fetches it from (`jwks_uri`, OpenID
 * Connect Registration §2; the server guards that fetch, oidc/jwks-fetch-guard.ts).
 * - Public asymmetric keys only: RSA, EC or OKP, never a private member (`d`, `p`, …) and never a
 *   symmetric (`oct`) key, which would be a shared secret stored in clear.
 * - At most MAX_CLIENT_KEYS keys, each with a `kid` unique in the set when given.
 * - A jwks_uri is an absolute https URL without credentials or fragment. Its host is checked when
 *   it is fetched (after DNS resolution), not here: a name's addresses can change.
 */
import { z } from 'zod';
import { httpsUrlProblem } from './public-links.js';

export const MAX_CLIENT_KEYS = 10;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

const jwk = z
  .looseObject({
    kty: z.enum(['RSA', 'EC', 'OKP'], { error: (i) => `key type "${String(i.input)}" is not a public-key type (RSA, EC or OKP)` }),
    kid: z.string().max(200).optional(),
    use: z.literal('sig', { error: 'a key for client authentication has use "sig" or none' }).optional(),
  })
  .superRefine((key, ctx) => {
    const secret = PRIVATE_MEMBERS.filter((member) => member in key);
    if (secret.length > 0) ctx.addIssue({ code: 'custom', message: `holds private key material (${secret.join(', ')}): register the public keys only` });
  });

export const clientJwksSchema = z
  .strictObject({ keys: z.array(jwk).min(1, 'jwks needs at least one key').max(MAX_CLIENT_KEYS, `at most ${MAX_CLIENT_KEYS} keys`) })
  .superRefine((set, ctx) => {
    const kids = set.keys.map((key) => key.kid).filter((kid) => kid !== undefined);
    if (new Set(kids).size !== kids.length) ctx.addIssue({ code: 'custom', message: 'two keys share a kid' });
  });
export type ClientJwks = z.output<typeof clientJwksSchema>;

/** Why `value` is not an acceptable jwks_uri, or undefined when it is. */
export function jwksUriProblem(value: string): string | undefined {
  const problem = httpsUrlProblem(value);
  if (problem) return problem;
  if (value.includes('#')) return 'must not contain a fragment';
  return undefined;
}
