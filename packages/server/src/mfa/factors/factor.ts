/**
 * A second factor: something a person proves after the password, like Kratos' login strategies.
 * Each factor is one small file in this folder and one line in `index.ts`; the second-factor
 * service (../second-factor.service.ts) looks factors up by id and runs every proof through the
 * one guarded path (limits/guarded-check.ts), which owns the limits and the `lockout` event.
 * A factor only says how it is verified for an account and what a verified proof means.
 */
import type { AppErrorCode } from '../../http/app-error.js';

export interface Factor {
  /** Stable id: the sign-in step's method, `detail.method` in audit events, a metrics label. */
  readonly id: string;
  /** What a verified proof adds to the sign-in's `amr` after `pwd` (RFC 8176). */
  readonly amr: readonly string[];
  /** Whether it can be the sign-in's second step. */
  readonly secondStep: boolean;
  /**
   * Whether the account has set it up: one enrolled second-step factor makes the second step due
   * at every sign-in. Absent for a backup that is never set up on its own (recovery codes come
   * with the app).
   */
  readonly enrolled?: (accountId: string) => Promise<boolean>;
  /** Whether proving it may turn the second factor off (the account page's "Turn off"). */
  readonly turnsOff: boolean;
  /** The error a wrong, replayed or used proof is shown as. */
  readonly wrongProof: AppErrorCode;
  /** Whether `proof` verifies for the account; a single-use proof is used up by a success. */
  verify(accountId: string, proof: string): Promise<boolean>;
}
