/**
 * TOTP enrolment, verification and recovery codes for one account.
 * - Enrolment: a pending seed (sealed, bound to the account) is shown as a QR code and as text;
 *   TOTP turns on only when a code from it verifies, and ten recovery codes are returned once.
 * - Verification: otplib finds the time step of the code (±1 step); the repository accepts the
 *   step only if it is later than the last accepted one, in one conditional UPDATE, so a code
 *   works once however many requests race with it (RFC 6238 §5.2, SECURITY.md A5).
 * - Regenerating recovery codes needs a current TOTP code; turning TOTP off needs a current code
 *   or a recovery code. Each consumes what it was given.
 */
import type { MfaRepository } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import { AppError } from '../http/app-error.js';
import { qrCodeDataUrl } from './qr-code.js';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.js';
import { matchStep, newTotpSecret, otpauthUri } from './totp.js';

/** A pending seed younger than this is shown again on reload, so a scanned QR code stays valid. */
const PENDING_REUSE_MS = 15 * 60 * 1000;

export interface Enrolment {
  secret: string;
  otpauthUri: string;
  qrCodeDataUrl: string;
}

export interface MfaStatus {
  enabled: boolean;
  recoveryCodesLeft: number;
}

export interface MfaService {
  status(accountId: string): Promise<MfaStatus>;
  isEnabled(accountId: string): Promise<boolean>;
  /** Stores a pending seed (or reuses one younger than 15 min): a write, so only from a POST. */
  startEnrolment(account: { id: string; email: string }): Promise<Enrolment>;
  /** The pending seed a start stored, to show it again; reads only (SECURITY.md A12: GETs write nothing). */
  pendingEnrolment(account: { id: string; email: string }): Promise<Enrolment | undefined>;
  /** The new recovery codes when `code` verifies against the pending seed; undefined otherwise. */
  confirmEnrolment(accountId: string, code: string): Promise<string[] | undefined>;
  verifyTotp(accountId: string, code: string): Promise<boolean>;
  verifyRecoveryCode(accountId: string, code: string): Promise<boolean>;
  /** New recovery codes when `code` is a current TOTP code; undefined otherwise. */
  regenerateRecoveryCodes(accountId: string, code: string): Promise<string[] | undefined>;
  /** Turns TOTP off when `code` is a current TOTP code or an unused recovery code. */
  disable(accountId: string, code: string): Promise<{ disabled: boolean; method?: 'totp' | 'recovery_code' }>;
}

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
  const hashesOf = (accountId: string, codes: string[]) => codes.map((code) => hashRecoveryCode(accountId, code)!);

  async function verifyTotp(accountId: string, code: string): Promise<boolean> {
    const totp = await repository.findTotp(accountId);
    if (!totp?.enabledAt) return false;
    const step = await matchStep(box.open(totp.secretCiphertext, aad(accountId)), code, clock());
    return step !== undefined && (await repository.acceptStep(accountId, step));
  }

  async function verifyRecoveryCode(accountId: string, code: string): Promise<boolean> {
    const hash = hashRecoveryCode(accountId, code);
    return hash !== undefined && (await repository.consumeRecoveryCode(accountId, hash));
  }


  const enrolmentFor = async (secret: string, email: string): Promise<Enrolment> => {
    const uri = otpauthUri(secret, email, deps.issuerName);
    return { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri) };
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

    async startEnrolment(account) {
      const existing = await repository.findTotp(account.id);
      if (existing?.enabledAt) throw new AppError('mfa.already_enabled');
      let secret: string;
      if (existing && clock().getTime() - existing.updatedAt.getTime() < PENDING_REUSE_MS) {
        secret = box.open(existing.secretCiphertext, aad(account.id));
      } else {
        secret = newTotpSecret();
        if (!(await repository.savePending(account.id, box.seal(secret, aad(account.id))))) throw new AppError('mfa.already_enabled');
      }
      return enrolmentFor(secret, account.email);
    },

    async pendingEnrolment(account) {
      const pending = await repository.findTotp(account.id);
      if (!pending || pending.enabledAt) return undefined;
      return enrolmentFor(box.open(pending.secretCiphertext, aad(account.id)), account.email);
    },

    async confirmEnrolment(accountId, code) {
      const totp = await repository.findTotp(accountId);
      if (!totp || totp.enabledAt) return undefined;
      const step = await matchStep(box.open(totp.secretCiphertext, aad(accountId)), code, clock());
      if (step === undefined) return undefined;
      const codes = newRecoveryCodes();
      return (await repository.activate(accountId, step, hashesOf(accountId, codes))) ? codes : undefined;
    },

    verifyTotp,
    verifyRecoveryCode,

    async regenerateRecoveryCodes(accountId, code) {
      if (!(await verifyTotp(accountId, code))) return undefined;
      const codes = newRecoveryCodes();
      return (await repository.replaceRecoveryCodes(accountId, hashesOf(accountId, codes))) ? codes : undefined;
    },

    async disable(accountId, code) {
      let method: 'totp' | 'recovery_code' | undefined;
      if (await verifyTotp(accountId, code)) method = 'totp';
      else if (await verifyRecoveryCode(accountId, code)) method = 'recovery_code';
      if (!method) return { disabled: false };
      return { disabled: await repository.disable(accountId), method };
    },
  };
}
