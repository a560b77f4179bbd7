/**
 * Passkeys as people use them, with their rules, limits, audit events and side effects in one
 * place (the WebAuthn checks are webauthn.ts, the rows packages/db's passkey repository):
 * - The account page adds (a registration ceremony answering a challenge its own session drew),
 *   renames and removes passkeys. Adding the account's first second factor raises how it signs in,
 *   and removing a passkey takes a way in away (it may be lost or stolen): either way every other
 *   session ends and every grant of the account is revoked (accounts/session-ending.ts,
 *   SECURITY.md A16), counted in the one `passkey.added` / `passkey.removed` event. Every added
 *   passkey is mailed to the account's address ("passkey added", mail/templates), so an owner
 *   learns of a way in they did not make. The route decides who may add (account-passkeys.routes.ts).
 * - A sign-in with a passkey alone (discoverable credential): the assertion names its credential,
 *   the credential its account; user verification is required. Each assertion is checked behind
 *   the code limits (limits/guarded-check.ts, the `mfa` guard keyed by the account id, so a wrong
 *   assertion costs what a wrong code does) and accepted once (the repository's conditional
 *   UPDATE on the challenge and counter). One `signin` event with `detail.method: "passkey"`.
 * - The second step after a password is the passkey factor (mfa/factors/passkey.factor.ts),
 *   checked behind the second-factor service's limits; both use passkey-credentials.ts.
 */
import type { PasskeyRecord, PasskeyRepository } from '@portcullis/db';
import type { PasskeyCredentials } from './passkey-credentials.js';
import type { AuditService } from '../audit/audit.service.js';
import type { SessionEnding } from '../accounts/session-ending.js';
import type { UsersService } from '../accounts/users.service.js';
import type { AttemptGuard } from '../limits/attempt-guard.js';
import { guardedCheck, type CheckAt, type Guarded } from '../limits/guarded-check.js';
import type { RelyingParty } from './webauthn.js';
import type { Locale } from '../messages/locales.js';

/** The most passkeys one account keeps (each is a row and an entry in every ceremony's options). */
export const MAX_PASSKEYS = 20;
/** Passkey names are the person's labels; longer ones are cut. */
export const MAX_NAME = 64;
/** The guard key of an assertion naming no known credential (its addresses' counters still apply). */
const UNKNOWN_CREDENTIAL = 'passkey:unknown';

export type PasskeySummary = Pick<PasskeyRecord, 'id' | 'name' | 'createdAt' | 'lastUsedAt'>;

export type AddOutcome = 'added' | 'invalid' | 'too_many';

export interface PasskeyService {
  list(accountId: string): Promise<PasskeySummary[]>;
  count(accountId: string): Promise<number>;
  /** A registration ceremony's options and the challenge the calling flow keeps (single use). */
  registrationOptions(account: { id: string; email: string }, rpName: string): Promise<{ options: unknown; challenge: string }>;
  add(input: { accountId: string; challenge: string; response: string; name: string; locale: Locale; at: CheckAt; keepSessionId: string }): Promise<AddOutcome>;
  rename(accountId: string, id: string, name: string): Promise<boolean>;
  remove(input: { accountId: string; id: string; at: CheckAt; keepSessionId: string }): Promise<boolean>;
  /** Every passkey of the account goes (an admin's MFA reset, an account's deletion); returns how many. */
  deleteAllForAccount(accountId: string): Promise<number>;
  /** Options for a sign-in with a passkey alone, and the challenge the interaction keeps. */
  signInOptions(): Promise<{ options: unknown; challenge: string }>;
  /**
   * A sign-in with a passkey alone: the account whose passkey verified, with user verification.
   * `deviceFor` names this browser's device cookie for the account the assertion names, when it
   * has one: such a device is counted on its own, not against the account (SECURITY.md A14).
   */
  signIn(input: { challenge: string; response: string; at: CheckAt; deviceFor?: (accountId: string) => Promise<string | undefined> }): Promise<Guarded<{ accountId?: string }>>;
}

export function createPasskeyService(deps: {
  repository: PasskeyRepository;
  credentials: PasskeyCredentials;
  rp: RelyingParty;
  guard: AttemptGuard;
  audit: AuditService;
  sessions: SessionEnding;
  users: Pick<UsersService, 'findById'>;
  /** Whether the account has any second-step factor set up (mfa/factors `secondStepDue`). */
  hasSecondFactor(accountId: string): Promise<boolean>;
  /** Queues the "passkey added" notice to the account's address (the mail outbox). */
  notifyAdded(input: { accountId: string; name: string; locale: Locale }): Promise<void>;
}): PasskeyService {
  const { repository, rp, audit } = deps;
  const counts = (result: { sessionsEnded: number; grantsRevoked: number }) => ({ sessions_ended: result.sessionsEnded, grants_revoked: result.grantsRevoked });
  const cleanName = (name: string) => name.normalize('NFC').replace(/\p{Cc}/gu, '').trim().slice(0, MAX_NAME);

  return {
    list: async (accountId) => (await repository.listForAccount(accountId)).map(({ id, name, createdAt, lastUsedAt }) => ({ id, name, createdAt, lastUsedAt })),
    count: (accountId) => repository.countForAccount(accountId),

    async registrationOptions(account, rpName) {
      return rp.registrationOptions({ rpName, accountId: account.id, email: account.email, existing: await repository.listForAccount(account.id) });
    },

    async add({ accountId, challenge, response, name, locale, at, keepSessionId }) {
      const fail = async (reason: string, outcome: AddOutcome) => {
        await audit.record({ type: 'passkey.added', outcome: 'failure', accountId, clientId: at.clientId, detail: { reason } }, at.meta);
        return outcome;
      };
      if ((await repository.countForAccount(accountId)) >= MAX_PASSKEYS) return fail('too_many', 'too_many');
      const credential = await rp.verifyRegistration(response, challenge);
      if (!credential) return fail('invalid_response', 'invalid');
      const raises = !(await deps.hasSecondFactor(accountId));
      const label = cleanName(name) || 'Passkey';
      if (!(await repository.insert({ ...credential, accountId, name: label }))) return fail('already_registered', 'invalid');
      // The account's first second factor: sessions and grants made with a password alone end (A16).
      const ended = raises ? await deps.sessions.afterCredentialChange(accountId, { sessionId: keepSessionId }) : undefined;
      await audit.record({ type: 'passkey.added', accountId, clientId: at.clientId, detail: { passkey: credential.id, first_factor: raises, ...(ended && counts(ended)) } }, at.meta);
      await deps.notifyAdded({ accountId, name: label, locale });
      return 'added';
    },

    async rename(accountId, id, name) {
      const label = cleanName(name);
      return label.length > 0 && repository.rename(accountId, id, label);
    },

    async remove({ accountId, id, at, keepSessionId }) {
      if (!(await repository.remove(accountId, id))) {
        await audit.record({ type: 'passkey.removed', outcome: 'failure', accountId, clientId: at.clientId, detail: { reason: 'not_found' } }, at.meta);
        return false;
      }
      const ended = await deps.sessions.afterCredentialChange(accountId, { sessionId: keepSessionId });
      await audit.record({ type: 'passkey.removed', accountId, clientId: at.clientId, detail: { passkey: id, ...counts(ended) } }, at.meta);
      return true;
    },

    deleteAllForAccount: (accountId) => repository.deleteAllForAccount(accountId),

    signInOptions: () => rp.authenticationOptions(),

    async signIn({ challenge, response, at, deviceFor }) {
      const owner = await deps.credentials.ownerOf(response);
      const guarded = { guard: deps.guard, audit, factor: 'mfa' as const };
      const device = owner && deviceFor ? await deviceFor(owner) : undefined;
      const checked = await guardedCheck(guarded, owner ?? UNKNOWN_CREDENTIAL, { ...at, ...(device && { device }) }, async () => {
        const accountId = await deps.credentials.accept({ response, challenge, requireUserVerification: true });
        const account = accountId ? await deps.users.findById(accountId) : undefined;
        return account && !account.disabled ? account.id : undefined;
      }, (accountId) => accountId !== undefined, () => ({ accountId: owner ?? null, detail: { method: 'passkey' } }));
      if (checked.limited) return checked;
      const accountId = checked.result;
      await audit.record({ type: 'signin', outcome: accountId ? 'success' : 'failure', accountId: accountId ?? owner ?? null, clientId: at.clientId, detail: { method: 'passkey', ...(!accountId && { reason: 'invalid_passkey' }) } }, at.meta);
      return { limited: false, ...(accountId && { accountId }) };
    },
  };
}
