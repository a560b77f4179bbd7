/**
 * Email verification: a 6-digit code and a link, sent together, either of which confirms the
 * address (`accounts.email_verified`, so `email_verified` is true in ID tokens and userinfo).
 * - Lifetime VERIFICATION_MINUTES (30): long enough for a slow or greylisting mail server and a
 *   person switching devices, short enough that a message left in a mailbox soon stops working.
 *   Each account has one live verification; sending a new one replaces the old.
 * - Single use: the repository's conditional UPDATE decides, so concurrent submissions of one code
 *   verify once. Stored as SHA-256 digests (the code with the verification id, the link token
 *   alone); a 6-digit code is guessable offline from its digest, which is why guesses online are
 *   guarded (limits/email-limits.ts: the second-factor tiers, and a daily tier per address after
 *   which only the link works), each code takes at most MAX_EMAIL_CODE_GUESSES guesses whatever
 *   the interaction (counted on its row: then it is void, the link still works), and the code
 *   dies with its lifetime.
 * - A step for an address that belongs to someone else (registration with a taken address) has
 *   no account: its codes are checked against nothing, after the same limits and digest work,
 *   and fail exactly like a wrong code (SECURITY.md A2); "send again" answers the same too.
 * - Every message is written in the caller's transaction through the mail outbox.
 * - Audit: `email.verification_sent` per message, `email.verified` per submission (a wrong code
 *   is its failure).
 */
import { createHash, randomBytes, randomInt, randomUUID } from 'node:crypto';
import type { EmailVerificationRepository, PrimaryDb } from '@portcullis/db';
import type { AuditService } from '../audit/audit.service.js';
import { constantTimeEqual } from '../crypto/constant-time.js';
import type { CheckAt, Guarded } from '../limits/guarded-check.js';
import { guardedCheck } from '../limits/guarded-check.js';
import type { EmailLimits } from '../limits/email-limits.js';
import type { MailOutbox } from '../mail/mail-outbox.js';

export const VERIFICATION_MINUTES = 30;

/** Whose address a "check your email" step confirms: `accountId` null when it is someone else's. */
export interface EmailSubject {
  accountId: string | null;
  email: string;
}

export type SendReason = 'registration' | 'resend' | 'client_requires' | 'unverified_sign_in';

export interface EmailVerificationService {
  /**
   * Writes a new verification for `account` and its message on `executor` (no limit: the
   * caller's). Nothing else runs on another handle meanwhile (PGlite has one connection, held by
   * the transaction): the caller records `sent` once the transaction committed.
   */
  issue(executor: PrimaryDb, account: { id: string; email: string }, linkFor: (token: string) => string): Promise<void>;
  /** The `email.verification_sent` event of a message `issue` wrote. */
  sent(accountId: string, reason: SendReason, at: CheckAt): Promise<void>;
  /**
   * A new code and link, behind the sending limits of a sign-in's step (per client address, per
   * `interaction`); nothing is sent for someone else's address.
   */
  send(subject: EmailSubject, linkFor: (token: string) => string, reason: SendReason, at: CheckAt & { interaction: string }): Promise<Guarded<object>>;
  /** Checks a typed code behind the code limits; true when it verified the address. */
  verifyCode(subject: EmailSubject, code: string, at: CheckAt): Promise<Guarded<{ ok: boolean }>>;
  /** Uses a link's token; the account it verified, or undefined when it is unknown, used or expired. */
  verifyLink(token: string, at: CheckAt): Promise<string | undefined>;
}

export const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');
const codeDigest = (verificationId: string, code: string) => digest(`${verificationId}:${code}`);
/** What a code is compared with when there is nothing to compare it with: the same work, no match. */
const NOTHING = { id: 'none', codeHash: digest(randomUUID()) };

/** Six digits, spaces and dashes allowed in between (as people copy them from a message). */
export function normalizeCode(typed: string): string | undefined {
  const code = typed.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

export function createEmailVerificationService(deps: {
  verifications: EmailVerificationRepository;
  outbox: MailOutbox;
  limits: EmailLimits;
  audit: AuditService;
  primary: PrimaryDb;
}): EmailVerificationService {
  const { verifications, audit } = deps;

  async function issue(executor: PrimaryDb, account: { id: string; email: string }, linkFor: (token: string) => string): Promise<void> {
    const id = randomUUID();
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const token = randomBytes(32).toString('base64url');
    await verifications.replace(executor, { id, accountId: account.id, email: account.email, codeHash: codeDigest(id, code), tokenHash: digest(token), expiresAt: new Date(Date.now() + VERIFICATION_MINUTES * 60_000) });
    // A message of the replaced verification still waiting would only carry a dead code and link.
    await deps.outbox.enqueue(executor, { to: account.email, template: 'email_verification', params: { code, link: linkFor(token), minutes: VERIFICATION_MINUTES }, replacesPending: true });
  }

  const sent = (accountId: string, reason: SendReason, at: CheckAt) => audit.record({ type: 'email.verification_sent', accountId, clientId: at.clientId, detail: { reason } }, at.meta);

  return {
    issue,
    sent,

    async send(subject, linkFor, reason, at) {
      const { accountId } = subject;
      const decision = await deps.limits.step(at.interaction, at.ip, accountId ?? undefined);
      if (!decision.allowed) return { limited: true, retryAfterSeconds: decision.retryAfterSeconds };
      // Past the per-account cap the page is the same and nothing is sent.
      if (accountId && decision.send) {
        await deps.primary.transaction().execute((trx) => issue(trx, { id: accountId, email: subject.email }, linkFor));
        await sent(accountId, reason, at);
      }
      return { limited: false };
    },

    async verifyCode(subject, typed, at) {
      const today = await deps.limits.codeToday(subject.email);
      if (!today.allowed) return { limited: true, retryAfterSeconds: today.retryAfterSeconds };
      const checked = await guardedCheck(
        { guard: deps.limits.codes, audit, factor: 'mfa' },
        subject.email,
        at,
        async () => {
          const code = normalizeCode(typed);
          // One of the code's few guesses, reserved before the check (none left: no match).
          const live = (subject.accountId && (await verifications.takeGuess(subject.accountId))) || NOTHING;
          const hash = codeDigest(live.id, code ?? '');
          if (!code || live === NOTHING || !constantTimeEqual(hash, live.codeHash)) return false;
          return (await verifications.consume({ id: live.id, codeHash: hash })) !== undefined;
        },
        (ok) => ok,
        () => ({ accountId: subject.accountId, detail: { method: 'email_code' } }),
      );
      if (checked.limited || checked.result) await today.right();
      if (checked.limited) return checked;
      await audit.record({ type: 'email.verified', outcome: checked.result ? 'success' : 'failure', accountId: subject.accountId, clientId: at.clientId, detail: { method: 'code' } }, at.meta);
      return { limited: false, ok: checked.result };
    },

    async verifyLink(token, at) {
      const accountId = token.length > 0 && token.length <= 100 ? await verifications.consume({ tokenHash: digest(token) }) : undefined;
      if (accountId) await audit.record({ type: 'email.verified', accountId, clientId: at.clientId, detail: { method: 'link' } }, at.meta);
      return accountId;
    },
  };
}
