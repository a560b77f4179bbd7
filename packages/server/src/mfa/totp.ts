/**
 * RFC 6238 TOTP with otplib: SHA-1, 6 digits, 30-second steps (what every authenticator app
 * supports), accepted within ±1 step of the server clock (SECURITY.md A5).
 * - Seeds are 160 bits (RFC 4226 §4 recommends 160) from node's CSPRNG, base32 without padding.
 * - `matchStep` only says which time step a code belongs to; whether that step may still be
 *   used (each code once) is decided atomically by the repository.
 */
import { randomBytes } from 'node:crypto';
import { ScureBase32Plugin, generateURI, verify } from 'otplib';

export const TOTP_PERIOD_SECONDS = 30;
export const TOTP_DIGITS = 6;
export const SECRET_BYTES = 20;

const base32 = new ScureBase32Plugin();
const CODE = /^\d{6}$/;

export function newTotpSecret(): string {
  return base32.encode(randomBytes(SECRET_BYTES), { padding: false });
}

/** The otpauth:// URI an authenticator app scans (Key Uri Format). */
export function otpauthUri(secret: string, accountName: string, issuer: string): string {
  return generateURI({ issuer, label: accountName, secret, digits: TOTP_DIGITS, period: TOTP_PERIOD_SECONDS });
}

/** Spaces people type between digit groups are ignored; anything else must be six digits. */
export function normalizeTotpCode(input: string): string {
  return input.replace(/\s+/g, '');
}

/** The RFC 6238 time step `now` falls in. */
export function stepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/**
 * The time step (current, previous or next) whose code equals `code`, or undefined.
 * Comparison is constant-time inside otplib.
 */
export async function matchStep(secret: string, code: string, now: Date): Promise<number | undefined> {
  const token = normalizeTotpCode(code);
  if (!CODE.test(token)) return undefined;
  const result = await verify({ secret, token, epoch: Math.floor(now.getTime() / 1000), epochTolerance: TOTP_PERIOD_SECONDS });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}
