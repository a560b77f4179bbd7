/**
 * Single-use account links: a password reset, an invitation to set a first password, an email
 * change. The one place that makes, mails and redeems them (the forgot-password pages, the
 * account page and the admin commands all come here).
 * - The token is 32 bytes from the CSPRNG (base64url); only its SHA-256 is stored, so a copy of
 *   the table opens no account (@see OWASP Forgot Password Cheat Sheet, "URL tokens").
 * - Lifetimes: a reset link 30 minutes (the person is waiting for it, and a mailbox read later
 *   by someone else finds it dead); an invitation 72 hours (an administrator sends it to someone
 *   who may not read mail until the next working day, and it opens a new account only); an
 *   email change 60 minutes.
 * - Single use is decided by one conditional UPDATE on the primary (packages/db
 *   account-link.repository.ts); a newer link of the same purpose retires the older one, and a
 *   changed password or email retires every link of the account.
 * - `sendPasswordLink` never returns the link: it goes to the account's own address only.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AccountLink, AccountLinkPurpose, AccountLinkRepository, PrimaryDb } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import type { Locale } from '../messages/locales.js';
import type { RecoveryMail } from './recovery-mail.js';
import { recoveryPaths } from './recovery-paths.js';

export type PasswordLinkPurpose = 'reset' | 'invite';

export const LINK_LIFETIME_SECONDS: Readonly<Record<AccountLinkPurpose, number>> = Object.freeze({
  reset: 30 * 60,
  invite: 72 * 60 * 60,
  'email-change': 60 * 60,
});

/** A token as it appears in a link: 32 random bytes, base64url (43 characters). */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface AccountLinks {
  /** Mails a reset or invitation link to the account's address. Throws `user.not_found`. */
  sendPasswordLink(accountId: string, purpose: PasswordLinkPurpose, locale: Locale, options?: { continuePath?: string }): Promise<void>;
  /** Mails an email-change link to `newEmail`. */
  sendEmailChangeLink(accountId: string, newEmail: string, locale: Locale): Promise<void>;
  /** The link if it can be used now (the page a link opens); undefined for anything else. */
  find(token: string, purpose: AccountLinkPurpose): Promise<AccountLink | undefined>;
  /** Sets the password through a usable link; `within` runs in its transaction (the notice mail). */
  redeemPassword(token: string, purpose: PasswordLinkPurpose, passwordHash: string, within?: Parameters<AccountLinkRepository['redeemPassword']>[1]): ReturnType<AccountLinkRepository['redeemPassword']>;
  redeemEmail(token: string): ReturnType<AccountLinkRepository['redeemEmail']>;
}

export interface AccountLinksDeps {
  links: AccountLinkRepository;
  mail: RecoveryMail;
  issuer: string;
  /** The clock (tests move it past a link's lifetime). */
  now?: () => Date;
  /** Replaces some lifetimes, in seconds (tests). */
  lifetimes?: Partial<Record<AccountLinkPurpose, number>>;
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const usable = (token: string) => TOKEN_PATTERN.test(token);

export function createAccountLinks(deps: AccountLinksDeps): AccountLinks {
  const now = deps.now ?? (() => new Date());
  const lifetime = (purpose: AccountLinkPurpose) => deps.lifetimes?.[purpose] ?? LINK_LIFETIME_SECONDS[purpose];
  const linkTo = (path: string) => new URL(path, deps.issuer).href;

  /** Stores a new link and queues its mail in the same transaction (`mail(trx, link, email)`). */
  const issue = async (accountId: string, purpose: AccountLinkPurpose, extra: { newEmail?: string; continuePath?: string }, mail: (trx: PrimaryDb, token: string, email: string) => Promise<void>): Promise<void> => {
    const token = randomBytes(32).toString('base64url');
    const at = now();
    const expiresAt = new Date(at.getTime() + lifetime(purpose) * 1000);
    const issued = await deps.links.issue({ tokenHash: hashOf(token), accountId, purpose, now: at, expiresAt, ...extra }, (trx, email) => mail(trx, token, email));
    if (!issued) throw new AppError('user.not_found');
  };

  return {
    async sendPasswordLink(accountId, purpose, locale, options = {}) {
      await issue(accountId, purpose, options, (trx, token, email) =>
        deps.mail.send({ kind: purpose === 'reset' ? 'password-reset' : 'invite', to: email, locale, link: linkTo(recoveryPaths.password(purpose, token)), lifetimeSeconds: lifetime(purpose) }, trx));
    },

    async sendEmailChangeLink(accountId, newEmail, locale) {
      await issue(accountId, 'email-change', { newEmail }, (trx, token) =>
        deps.mail.send({ kind: 'email-change-verify', to: newEmail, locale, link: linkTo(recoveryPaths.email(token)), lifetimeSeconds: lifetime('email-change') }, trx));
    },

    find: async (token, purpose) => (usable(token) ? deps.links.find(hashOf(token), purpose, now()) : undefined),
    redeemPassword: async (token, purpose, passwordHash, within) =>
      (usable(token) ? deps.links.redeemPassword({ tokenHash: hashOf(token), purpose, passwordHash, now: now() }, within) : undefined),
    redeemEmail: async (token) => (usable(token) ? deps.links.redeemEmail({ tokenHash: hashOf(token), now: now() }) : undefined),
  };
}
