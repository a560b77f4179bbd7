/**
 * A client's public keys for private_key_jwt (RFC 7523 §2.2, OpenID Connect Core §9): a JWK Set
 * registered inline (`jwks`) or the https URL the server fetches it from (`jwks_uri`, OpenID
 * Connect Registration §2; the server guards that fetch, oidc/jwks-fetch-guard.ts).
 * - Public keys that can sign an assertion the server accepts (RS256 or ES256, server
 *   oidc/client-auth.ts): RSA of at least 2048 bits (RFC 7518 §3.3 requires it for RS256) or EC
 *   on P-256 (§3.4), never a private member (`d`, `p`, …), never a symmetric (`oct`) key, which
 *   would be a shared secret stored in clear, and no OKP (Ed25519) key, which could never
 *   authenticate.
 * - At most MAX_CLIENT_KEYS keys, each with a `kid` unique in the set when given.
 * - A jwks_uri is an absolute https URL without credentials or fragment, whose host is a name,
 *   not an IP address: a literal address (`https://169.254.169.254/…`, or a spelling the URL
 *   parser turns into one, such as `https://2852039166/`) is refused here rather than only when
 *   fetched. A name's addresses are checked when it is fetched (after DNS resolution), not
 *   here: they can change.
 */
import { z } from 'zod';
import { httpsUrlProblem } from './public-links.js';

export const MAX_CLIENT_KEYS = 10;
export const MIN_RSA_BITS = 2048;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** The bit length of a base64url-encoded big-endian integer (a JWK's `n`), or undefined when it is not base64url. */
function modulusBits(n: string): number | undefined {
  if (!/^[A-Za-z0-9_-]+$/.test(n) || n.length % 4 === 1) return undefined;
  const bytes = atob(n.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (n.length % 4)) % 4));
  let first = 0;
  while (first < bytes.length && bytes.charCodeAt(first) === 0) first += 1;
  if (first === bytes.length) return 0;
  return (bytes.length - first - 1) * 8 + (32 - Math.clz32(bytes.charCodeAt(first)));
}

/** Why a public key can never sign an accepted assertion (see above), or undefined. */
function unusableKeyProblem(key: { kty: string; [member: string]: unknown }): string | undefined {
  if (key.kty === 'OKP') return 'OKP (Ed25519) keys cannot authenticate: client assertions are RS256 or ES256; register an RSA or P-256 EC key';
  if (key.kty === 'EC' && key.crv !== 'P-256') return `EC curve "${String(key.crv)}" cannot authenticate: ES256 needs a P-256 key`;
  if (key.kty === 'RSA') {
    const bits = typeof key.n === 'string' ? modulusBits(key.n) : undefined;
    if (bits === undefined) return 'RSA key without a valid modulus (n)';
    if (bits < MIN_RSA_BITS) return `RSA key of ${bits} bits is too weak: at least ${MIN_RSA_BITS} bits`;
  }
  return undefined;
}

const jwk = z
  .looseObject({
    kty: z.enum(['RSA', 'EC', 'OKP'], { error: (i) => `key type "${String(i.input)}" is not a public-key type (RSA or EC)` }),
    kid: z.string().max(200).optional(),
    use: z.literal('sig', { error: 'a key for client authentication has use "sig" or none' }).optional(),
  })
  .superRefine((key, ctx) => {
    const secret = PRIVATE_MEMBERS.filter((member) => member in key);
    if (secret.length > 0) ctx.addIssue({ code: 'custom', message: `holds private key material (${secret.join(', ')}): register the public keys only` });
    const unusable = unusableKeyProblem(key);
    if (unusable) ctx.addIssue({ code: 'custom', message: unusable });
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
  // The WHATWG parser has turned every IPv4 spelling (decimal, hex, short) into dotted form.
  const host = URL.parse(value)?.hostname ?? '';
  if (host.startsWith('[') || /^\d+\.\d+\.\d+\.\d+$/.test(host)) return 'must name its host, not an IP address';
  return undefined;
}
