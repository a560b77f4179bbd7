/**
 * A second factor: something a person proves after the password, like Kratos' login strategies.
 * Each factor is one small file in this folder and one line in `index.ts`; the second-factor
 * service (../second-factor.service.ts) looks factors up by id and runs every proof through the
 * one guarded path (limits/guarded-check.ts), which owns the limits and the `lockout` event.
 * A factor only says how it is verified for an account and what a verified proof means.
 * A proof that answers a challenge the server draws (a passkey's assertion) has `challenge`: the
 * caller draws one before the page asks for the proof, keeps it in the flow that asked (the
 * interaction's state), hands it back to `verify` once, and forgets it (SECURITY.md A15).
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
  /**
   * For a factor whose proof answers a server-drawn challenge: a fresh challenge for the account
   * and the options the page hands to the browser; undefined when the account has not set it up.
   */
  readonly challenge?: (accountId: string) => Promise<{ options: unknown; challenge: string } | undefined>;
  /**
   * Whether `proof` verifies for the account; a single-use proof is used up by a success. A
   * factor with `challenge` is given the one drawn for this proof (absent: nothing verifies).
   */
  verify(accountId: string, proof: string, challenge?: string): Promise<boolean>;
}
