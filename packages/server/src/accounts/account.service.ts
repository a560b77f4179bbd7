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
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';

export interface AccountService {
  register(input: { email: string; password: string; name: string | null }): Promise<Account>;
  authenticate(email: string, password: string): Promise<Account>;
}

export function createAccountService(deps: {
  accounts: AccountRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
}): AccountService {
  const { accounts, hasher, policy } = deps;
  return {
    async register({ email, password, name }) {
      const problem = policy.check(password);
      if (problem === 'too_short') {
        throw new AppError('registration.password_too_short', `The password must have at least ${policy.minLength} characters.`);
      }
      if (problem === 'too_long') throw new AppError('registration.password_too_long');
      if (problem === 'common') throw new AppError('registration.password_common');
      const passwordHash = await hasher.hash(password);
      try {
        return await accounts.insert({ id: randomUUID(), email, passwordHash, name });
      } catch (error) {
        if (error instanceof DuplicateEmailError) throw new AppError('registration.email_taken');
        throw error;
      }
    },

    async authenticate(email, password) {
      const found = await accounts.findCredentialsByEmail(email);
      if (!found) {
        await hasher.verifyDummy(password);
        throw new AppError('interaction.invalid_credentials');
      }
      const ok = await hasher.verify(found.passwordHash, password);
      if (!ok || found.disabled) throw new AppError('interaction.invalid_credentials');
      const { passwordHash: _omit, ...account } = found;
      return account;
    },
  };
}
