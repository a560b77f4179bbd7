/**
 * Accounts as the pages and the admin API see them: lookups, disable/enable, ending every
 * session, unlock. Routes reach the account store only through here.
 * - A lookup by id or email that cannot match (U+0000, which PostgreSQL cannot even compare)
 *   is `user.not_found`, not a 500.
 * - Disabling sets the flag first, then ends every session and revokes every grant
 *   (accounts/session-ending.ts, one `session.revoked` event per session): a sign-in racing with
 *   it is refused by the flag or ended here (SECURITY.md A9, R16).
 * - Disable, enable and unlock each write their own event (`account.*`, actor `admin`).
 * - Unlock is the way back in after a brute-force lockout (SECURITY.md A1): it forgets the
 *   account's failed passwords and codes, everywhere and from every address that recently
 *   failed against it (the addresses come from the audit log).
 */
import type { Account, AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { normalizeEmail } from './email.js';
import type { Limits } from '../limits/limits.js';
import { NO_REQUEST, type AuditService, type RequestMeta } from '../audit/audit.service.js';
import type { CredentialChangeResult, SessionEnding } from './session-ending.js';

export interface UsersService {
  findById(accountId: string): Promise<Account | undefined>;
  findByEmail(email: string): Promise<Account | undefined>;
  /** By id, or by email when it holds an `@`; `user.not_found` otherwise. */
  find(idOrEmail: string): Promise<Account>;
  list(page: { limit: number; offset: number }): Promise<Account[]>;
  /** Sets the flag; disabling also ends every session and revokes every grant. */
  setDisabled(idOrEmail: string, disabled: boolean, meta: RequestMeta): Promise<Account>;
  /** Ends every session (one event each) and revokes every grant. */
  endEverything(accountId: string, reason: 'user_disabled' | 'admin'): Promise<CredentialChangeResult>;
  listSessions: SessionEnding['listSessions'];
  /** What an administrator looks up: the second factor, the last sign-in, the lockout state. */
  details(account: Account): Promise<AccountDetails>;
  /** Clears the brute-force counters of the account. */
  unlock(idOrEmail: string, meta: RequestMeta): Promise<Account>;
}

export interface AccountDetails {
  /** `passkeys`: how many the account has; each signs in without the password (SECURITY.md A15). */
  mfa: { enabled: boolean; recoveryCodesLeft: number; passkeys: number };
  lastSignInAt: Date | undefined;
  passwordLockedUntil: Date | undefined;
  codeLockedUntil: Date | undefined;
}

export function createUsersService(deps: {
  accounts: AccountRepository;
  limits: Limits;
  audit: AuditService;
  ending: SessionEnding;
  /** The second factor's state (mfa/): whether TOTP is on, how many recovery codes are left. */
  mfaStatus(accountId: string): Promise<{ enabled: boolean; recoveryCodesLeft: number }>;
  /** How many passkeys the account has (passkeys/). */
  passkeyCount(accountId: string): Promise<number>;
  clock?: () => Date;
}): UsersService {
  const { accounts } = deps;
  const clock = deps.clock ?? (() => new Date());

  /** Addresses that failed against an account in the longest address-keyed window. */
  const recentFailureAddresses = async (accountId: string): Promise<string[]> => {
    const tiers = [...deps.limits.policy.passwordPerAccountAndAddress, ...deps.limits.policy.mfaPerAccountAndAddress];
    const seconds = Math.max(...tiers.map((tier) => Math.max(tier.durationSeconds, tier.blockSeconds ?? 0)));
    const events = await deps.audit.list({ accountId, since: new Date(clock().getTime() - seconds * 1000), limit: 1000 });
    return [...new Set(events.filter((event) => event.outcome === 'failure' || event.type === 'lockout').flatMap((event) => (event.ip ? [event.ip] : [])))];
  };

  const users: UsersService = {
    findById: (accountId) => accounts.findById(accountId),
    findByEmail: (email) => accounts.findByEmail(email),

    async find(idOrEmail) {
      // No id or email holds U+0000, and PostgreSQL cannot even compare one: not found, not a 500.
      if (idOrEmail.includes('\u0000')) throw new AppError('user.not_found');
      const found = idOrEmail.includes('@') ? await accounts.findByEmail(normalizeEmail(idOrEmail)) : await accounts.findById(idOrEmail);
      if (!found) throw new AppError('user.not_found');
      return found;
    },

    list: (page) => accounts.list(page),

    async setDisabled(idOrEmail, disabled, meta) {
      const account = await users.find(idOrEmail);
      const updated = await accounts.setDisabled(account.id, disabled);
      if (!updated) throw new AppError('user.not_found');
      await deps.audit.record({ type: disabled ? 'account.disabled' : 'account.enabled', accountId: account.id, detail: { actor: 'admin', was_disabled: account.disabled } }, meta);
      // After the flag: a sign-in racing with this request is refused by the flag or ended here.
      if (disabled) await users.endEverything(account.id, 'user_disabled');
      return updated;
    },

    async details(account) {
      const addresses = await recentFailureAddresses(account.id);
      const until = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(clock().getTime() + seconds * 1000));
      const [mfa, passkeys, lastSignIn, password, code] = await Promise.all([
        deps.mfaStatus(account.id),
        deps.passkeyCount(account.id),
        deps.audit.list({ accountId: account.id, type: 'signin', outcome: 'success', limit: 1 }),
        deps.limits.password.lockedFor(account.email, addresses),
        deps.limits.mfa.lockedFor(account.id, addresses),
      ]);
      return { mfa: { ...mfa, passkeys }, lastSignInAt: lastSignIn[0]?.time, passwordLockedUntil: until(password), codeLockedUntil: until(code) };
    },
    endEverything: (accountId, reason) => deps.ending.endAll(accountId, { reason, meta: NO_REQUEST }),
    listSessions: (accountId) => deps.ending.listSessions(accountId),

    async unlock(idOrEmail, meta) {
      const account = await users.find(idOrEmail);
      const addresses = await recentFailureAddresses(account.id);
      await deps.limits.password.clear(account.email, addresses);
      await deps.limits.mfa.clear(account.id, addresses);
      await deps.audit.record({ type: 'account.unlocked', accountId: account.id, detail: { actor: 'admin', addresses: addresses.length } }, meta);
      return account;
    },
  };
  return users;
}
