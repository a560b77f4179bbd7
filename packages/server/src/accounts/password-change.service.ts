/**
 * Changing a password from the account page.
 * - The current password must verify (argon2id, from the primary) and the new one must pass the
 *   password policy; nothing changes otherwise.
 * - Then every other session of the account ends and every grant is revoked, with its access
 *   and refresh tokens: whoever knew the old password is signed out everywhere (SECURITY.md A9,
 *   R16). The session the change was made from stays signed in.
 * - TOTP is untouched: a password change never removes the second factor (A6).
 */
import type { AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import type { AccountArtefacts } from '../oidc/account-artefacts.js';
import { assertPasswordAllowed } from './account.service.js';
import type { PasswordHasher } from './password-hasher.js';
import type { PasswordPolicy } from './password-policy.js';

export interface PasswordChangeResult {
  sessionsEnded: number;
  grantsRevoked: number;
}

export interface PasswordChangeService {
  /** Throws `account.invalid_password` or a `registration.password_*` policy error. */
  change(input: { accountId: string; current: string; next: string; keepSessionId?: string }): Promise<PasswordChangeResult>;
}

export function createPasswordChangeService(deps: {
  accounts: AccountRepository;
  hasher: PasswordHasher;
  policy: PasswordPolicy;
  artefacts: AccountArtefacts;
}): PasswordChangeService {
  return {
    async change({ accountId, current, next, keepSessionId }) {
      const found = await deps.accounts.findCredentialsById(accountId);
      if (!found || found.disabled || !(await deps.hasher.verify(found.passwordHash, current))) throw new AppError('account.invalid_password');
      assertPasswordAllowed(deps.policy, next);
      if (!(await deps.accounts.updatePasswordHash(accountId, await deps.hasher.hash(next)))) throw new AppError('account.invalid_password');
      const sessionsEnded = (await deps.artefacts.endSessions(accountId, keepSessionId)).length;
      const grantsRevoked = await deps.artefacts.revokeGrants(accountId);
      return { sessionsEnded, grantsRevoked };
    },
  };
}
