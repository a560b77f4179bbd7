/**
 * Recovery codes: ten single-use codes shown once when TOTP is turned on or the codes are
 * regenerated.
 * - Each is 16 characters of Crockford base32 from node's CSPRNG: 80 bits of entropy, shown as
 *   XXXX-XXXX-XXXX-XXXX. Typing is forgiving: case, spaces, hyphens, and O/I/L for 0/1/1.
 * - Stored as SHA-256 of `accountId:code`, not argon2id. A slow hash protects low-entropy
 *   secrets that people choose; these are random, and 2^80 guesses per code are out of reach
 *   offline even at a fast hash's speed. A deterministic digest also lets one indexed,
 *   conditional UPDATE find and consume a code atomically, where argon2id would need a salted
 *   verification of every stored code (ten argon2 runs per guess). The account id in the input
 *   makes equal codes of two accounts distinct rows.
 */
import { createHash, randomBytes } from 'node:crypto';

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 16;

/** One code, grouped for reading. 256 is a multiple of 32, so `byte % 32` has no bias. */
export function newRecoveryCode(): string {
  const chars = [...randomBytes(LENGTH)].map((byte) => ALPHABET[byte % ALPHABET.length]!);
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}

export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
}

/** The canonical form of what was typed, or undefined when it cannot be a recovery code. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const canonical = input
    .toUpperCase()
    .replace(/[\s-]+/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  return canonical.length === LENGTH && [...canonical].every((c) => ALPHABET.includes(c)) ? canonical : undefined;
}

export function hashRecoveryCode(accountId: string, code: string): string | undefined {
  const canonical = normalizeRecoveryCode(code);
  return canonical === undefined ? undefined : createHash('sha256').update(`${accountId}:${canonical}`).digest('hex');
}
