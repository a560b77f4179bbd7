import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Account, AccountCredentials, AccountRepository } from '@portcullis/db';
import { DuplicateEmailError } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { createAccountService } from './account.service.js';
import type { PasswordHasher } from './password-hasher.js';
import { createPasswordPolicy } from './password-policy.js';

function fakes() {
  const rows = new Map<string, AccountCredentials>();
  const calls = { dummy: 0, verify: 0 };
  const accounts = {
    insert: (input: { id: string; email: string; passwordHash: string; name: string | null }) => {
      if ([...rows.values()].some((r) => r.email === input.email)) return Promise.reject(new DuplicateEmailError());
      const account: AccountCredentials = { id: input.id, email: input.email, name: input.name, emailVerified: false, disabled: false, createdAt: new Date(), passwordHash: input.passwordHash };
      rows.set(input.id, account);
      return Promise.resolve(account as Account);
    },
    findCredentialsByEmail: (email: string) => Promise.resolve([...rows.values()].find((r) => r.email === email)),
  } as unknown as AccountRepository;
  const hasher: PasswordHasher = {
    hash: (p) => Promise.resolve(`hashed:${p}`),
    verify: (h, p) => {
      calls.verify++;
      return Promise.resolve(h === `hashed:${p}`);
    },
    verifyDummy: () => {
      calls.dummy++;
      return Promise.resolve(false);
    },
  };
  const service = createAccountService({ accounts, hasher, policy: createPasswordPolicy(8, new Set(['password1'])) });
  return { service, rows, calls };
}

const code = (error: unknown) => (error instanceof AppError ? error.code : 'not an AppError');

describe('account service', () => {
  it('registers, then accepts the same password only', async () => {
    const { service } = fakes();
    await service.register({ email: 'a@example.com', password: 'long enough', name: null });
    const right = await service.checkPassword('a@example.com', 'long enough');
    assert.ok(right.ok && right.account.email === 'a@example.com');
    assert.deepEqual(await service.checkPassword('a@example.com', 'long enougH'), { ok: false, reason: 'wrong_password', accountId: right.account.id });
  });

  it('spends argon2 work on unknown emails and answers like a wrong password', async () => {
    const { service, calls } = fakes();
    assert.deepEqual(await service.checkPassword('nobody@example.com', 'whatever1'), { ok: false, reason: 'unknown_account' });
    assert.equal(calls.dummy, 1);
  });

  it('refuses a disabled account, after checking the password like any other', async () => {
    const { service, rows } = fakes();
    const account = await service.register({ email: 'd@example.com', password: 'long enough', name: null });
    rows.get(account.id)!.disabled = true;
    assert.deepEqual(await service.checkPassword('d@example.com', 'long enough'), { ok: false, reason: 'disabled', accountId: account.id });
  });

  it('refuses short and common passwords before hashing, and duplicate emails', async () => {
    const { service } = fakes();
    await assert.rejects(service.register({ email: 'x@example.com', password: 'short', name: null }), (e) => code(e) === 'password.too_short');
    await assert.rejects(service.register({ email: 'x@example.com', password: 'Password1', name: null }), (e) => code(e) === 'password.common');
    await service.register({ email: 'x@example.com', password: 'long enough', name: null });
    await assert.rejects(service.register({ email: 'x@example.com', password: 'long enough', name: null }), (e) => code(e) === 'registration.email_taken');
  });
});
