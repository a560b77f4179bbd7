/**
 * TOTP state of one account: enrolment, verification, recovery codes. This is the store-facing
 * half; every check of a code a person types goes through the guarded half
 * (second-factor.service.ts), which owns the limits, audit events and side effects.
 * - Enrolment: `beginEnrolment` makes a new seed and hands it back sealed (AES-256-GCM, bound to
 *   the account, with an expiry). Nothing is stored: the caller keeps it in the flow that started
 *   it (the interaction's state, or the account page's sealed cookie), so a seed belongs to that
 *   flow alone and no other flow can be shown it (SECURITY.md A15). A second start, anywhere,
 *   makes a different seed. TOTP turns on only when a code from the flow's own seed verifies.
 * - Verification: otplib finds the time step of the code (±1 step); the repository accepts the
 *   step only if it is later than the last accepted one, in one conditional UPDATE, so a code
 *   works once however many requests race with it (RFC 6238 §5.2, SECURITY.md A5).
 */
import { z } from 'zod';
import type { MfaRepository } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError } from '../http/app-error.js';
import { qrCodeDataUrl } from './qr-code.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { matchStep, newTotpSecret, otpauthUri } from './totp.js';

/**
 * How long a started enrolment can be confirmed: long enough to find the phone and scan the
 * code, short enough that a forgotten set-up page does not keep a seed usable for long.
 */
export const PENDING_ENROLMENT_MS = 15 * 60 * 1000;

export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export interface MfaStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

/** A started enrolment: the seed sealed for its account, opaque to the flow that keeps it. */
export type PendingEnrolment = string;

export interface MfaService {
  status(accountId: string): Promise<MfaStatus>;
  isEnabled(accountId: string): Promise<boolean>;
  /** A new seed for this account, sealed; stores nothing. Refused when TOTP is already on. */
  beginEnrolment(accountId: string): Promise<PendingEnrolment>;
  /** What a started enrolment shows (QR code, setup key); undefined when it expired or is not this account's. */
  enrolment(account: { id: string; email: string }, pending: PendingEnrolment): Promise<Enrolment | undefined>;
  /** Turns TOTP on with the pending seed when `code` verifies against it; the new recovery codes, or undefined. */
  confirmEnrolment(accountId: string, pending: PendingEnrolment, code: string): Promise<string[] | undefined>;
  verifyTotp(accountId: string, code: string): Promise<boolean>;
  verifyRecoveryCode(accountId: string, code: string): Promise<boolean>;
  /** A new set of recovery codes (the old set dies); undefined when TOTP is off. */
  replaceRecoveryCodes(accountId: string): Promise<string[] | undefined>;
  /** Removes the seed and the recovery codes; false when TOTP was not on. */
  turnOff(accountId: string): Promise<boolean>;
}

const pendingSchema = z.object({ s: z.string().min(16).max(128), e: z.number().int() });

export function createMfaService(deps: {
  repository: MfaRepository;
  box: SecretBox;
  /** The name authenticator apps show next to the account, e.g. "Portcullis (auth.example.com)". */
  issuerName: string;
  clock?: () => Date;
}): MfaService {
  const { repository, box } = deps;
  const clock = deps.clock ?? (() => new Date());
  const aad = (accountId: string) => `totp:${accountId}`;
  const pendingAad = (accountId: string) => `totp-pending:${accountId}`;
  const hashesOf = (accountId: string, codes: string[]) => codes.map((code) => hashRecoveryCode(accountId, code)!);

  /** The seed of a pending enrolment, when it opens for this account and has not expired. */
  const openPending = (accountId: string, pending: PendingEnrolment): string | undefined => {
    let parsed;
    try {
      parsed = pendingSchema.safeParse(JSON.parse(box.open(pending, pendingAad(accountId))));
    } catch {
      return undefined;
    }
    return parsed.success && parsed.data.e > clock().getTime() ? parsed.data.s : undefined;
  };

  return {
    async status(accountId) {
      const totp = await repository.findTotp(accountId);
      const enabled = Boolean(totp?.enabledAt);
      return { enabled, recoveryCodesLeft: enabled ? await repository.countUnusedRecoveryCodes(accountId) : 0 };
    },

    async isEnabled(accountId) {
      return Boolean((await repository.findTotp(accountId))?.enabledAt);
    },

    async beginEnrolment(accountId) {
      if ((await repository.findTotp(accountId))?.enabledAt) throw new AppError('mfa.already_enabled');
      return box.seal(JSON.stringify({ s: newTotpSecret(), e: clock().getTime() + PENDING_ENROLMENT_MS }), pendingAad(accountId));
    },

    async enrolment(account, pending) {
      const secret = openPending(account.id, pending);
      if (!secret) return undefined;
      const uri = otpauthUri(secret, account.email, deps.issuerName);
      return { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri) };
    },

    async confirmEnrolment(accountId, pending, code) {
      const secret = openPending(accountId, pending);
      if (!secret) return undefined;
      const step = await matchStep(secret, code, clock());
      if (step === undefined) return undefined;
      const codes = newRecoveryCodes();
      return (await repository.enable(accountId, box.seal(secret, aad(accountId)), step, hashesOf(accountId, codes))) ? codes : undefined;
    },

    async verifyTotp(accountId, code) {
      const totp = await repository.findTotp(accountId);
      if (!totp?.enabledAt) return false;
      const step = await matchStep(box.open(totp.secretCiphertext, aad(accountId)), code, clock());
      return step !== undefined && (await repository.acceptStep(accountId, step));
    },

    async verifyRecoveryCode(accountId, code) {
      const hash = hashRecoveryCode(accountId, code);
      return hash !== undefined && (await repository.consumeRecoveryCode(accountId, hash));
    },

    async replaceRecoveryCodes(accountId) {
      const codes = newRecoveryCodes();
      return (await repository.replaceRecoveryCodes(accountId, hashesOf(accountId, codes))) ? codes : undefined;
    },

    turnOff: (accountId) => repository.disable(accountId),
  };
}
