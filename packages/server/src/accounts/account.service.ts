/**
 * Registration and password sign-in.
 * - Unknown email, wrong password and disabled account all give the same answer, after the same
 *   argon2 work, so neither message nor timing enumerates accounts (SECURITY.md A2).
 * - Registration validates the password policy before hashing, and lets the unique index decide
 *   a race between two registrations of one email.
 */
import { randomUUID } from 'node:crypto';
import { DuplicateEmailError, type Account, type AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { message } from '../messages/message.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';

export type PasswordCheck =
  | { ok: true; account: Account }
  /** `accountId` is set when the email belongs to an account (for the audit log only). */
  | { ok: false; reason: 'unknown_account' | 'wrong_password' | 'no_password' | 'disabled'; accountId?: string };

export interface AccountService {
  register(input: { email: string; password: string; name: string | null }): Promise<Account>;
  /**
   * Checks a password and says why it failed (for the audit log; callers show one message for
   * all). Unlimited by itself: only the guarded sign-in (guarded-sign-in.ts) calls it, and routes
   * receive that, never this (SECURITY.md A1).
   */
  checkPassword(email: string, password: string): Promise<PasswordCheck>;
}

/** Throws the registration error a policy problem maps to (also used by password change). */
export function assertPasswordAllowed(policy: PasswordPolicy, password: string): void {
  const problem = policy.check(password);
  if (problem === 'too_short') {
    throw new AppError('password.too_short', message('error.password.min_length', { min: policy.minLength }));
  }
  if (problem === 'too_long') throw new AppError('password.too_long');
  if (problem === 'common') throw new AppError('password.common');
}

export function createAccountService(deps: {
  accounts: AccountRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
}): AccountService {
  const { accounts, hasher, policy } = deps;

  async function checkPassword(email: string, password: string): Promise<PasswordCheck> {
    const found = await accounts.findCredentialsByEmail(email);
    if (!found) {
      await hasher.verifyDummy(password);
      return { ok: false, reason: 'unknown_account' };
    }
    if (found.passwordHash === null) {
      // Created by an administrator, no password set yet: the same answer and the same work as a wrong one.
      await hasher.verifyDummy(password);
      return { ok: false, reason: 'no_password', accountId: found.id };
    }
    const ok = await hasher.verify(found.passwordHash, password);
    if (!ok) return { ok: false, reason: 'wrong_password', accountId: found.id };
    if (found.disabled) return { ok: false, reason: 'disabled', accountId: found.id };
    const { passwordHash: _omit, ...account } = found;
    return { ok: true, account };
  }

  return {
    async register({ email, password, name }) {
      assertPasswordAllowed(policy, password);
      const passwordHash = await hasher.hash(password);
      try {
        return await accounts.insert({ id: randomUUID(), email, passwordHash, name });
      } catch (error) {
        if (error instanceof DuplicateEmailError) throw new AppError('registration.email_taken');
        throw error;
      }
    },

    checkPassword,
  };
}
