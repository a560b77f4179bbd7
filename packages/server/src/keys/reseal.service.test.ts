import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { SealedKind, SealedValue, SealedValueRepository } from '@portcullis/db';
import type { AuditInput, AuditService } from '../audit/audit.service.js';
import { createSecretBox } from '../crypto/secret-box.js';
import { mailParamsAad } from '../mail/mail-outbox.js';
import { createResealService } from './reseal.service.js';

const meta = { ip: '127.0.0.1', userAgent: 'test' } as never;

/** The sealed columns as an in-memory table, with the repository's compare-and-set. */
function fakeSealed(rows: SealedValue[]): SealedValueRepository & { rows: SealedValue[] } {
  return {
    rows,
    list: (kind: SealedKind) => Promise.resolve(rows.filter((r) => r.kind === kind).map((r) => ({ ...r }))),
    replace(value: SealedValue, to: string) {
      const row = rows.find((r) => r.kind === value.kind && r.id === value.id && r.ciphertext === value.ciphertext);
      if (row) row.ciphertext = to;
      return Promise.resolve(row !== undefined);
    },
  };
}

describe('reseal service', () => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const old = createSecretBox(oldKey);
  const ring = createSecretBox([newKey, oldKey]);
  const events: AuditInput[] = [];
  const audit = { record: (input: AuditInput) => Promise.resolve(void events.push(input)) } as unknown as AuditService;

  it('moves every sealed value to the newest key, counts what it did, and has nothing left the second time', async () => {
    const sealed = fakeSealed([
      { kind: 'client_secret', id: 'c1', ciphertext: old.seal('secret-1', 'client:c1') },
      { kind: 'signing_key', id: 'k1', ciphertext: old.seal('{"kty":"RSA"}', 'signing-key:k1') },
      { kind: 'totp_seed', id: 'a1', ciphertext: old.seal('JBSWY3DPEHPK3PXP', 'totp:a1') },
      { kind: 'totp_seed', id: 'a2', ciphertext: ring.seal('KRSXG5CTMVRXEZLU', 'totp:a2') },
      { kind: 'mail_params', id: 'm1', ciphertext: old.seal('{"code":"123456"}', mailParamsAad('m1')) },
    ]);
    const service = createResealService({ sealed, box: ring, audit });
    const report = await service.reseal(meta);
    assert.deepEqual(report.totp_seed, { resealed: 1, current: 1, unreadable: 0, changed_meanwhile: 0 });
    assert.equal(report.client_secret.resealed, 1);
    assert.equal(report.signing_key.resealed, 1);
    assert.equal(report.mail_params.resealed, 1, 'a waiting message\'s parameters too');
    // The old key can go: everything opens with the new one alone, to the same plaintext.
    const newOnly = createSecretBox(newKey);
    assert.equal(newOnly.open(sealed.rows[0]!.ciphertext, 'client:c1'), 'secret-1');
    assert.equal(newOnly.open(sealed.rows[2]!.ciphertext, 'totp:a1'), 'JBSWY3DPEHPK3PXP');
    assert.equal(newOnly.open(sealed.rows[4]!.ciphertext, mailParamsAad('m1')), '{"code":"123456"}');
    const again = await service.reseal(meta);
    assert.deepEqual([again.client_secret.resealed, again.signing_key.resealed, again.totp_seed.resealed], [0, 0, 0]);
    assert.deepEqual(events.map((e) => [e.type, e.outcome]), [['key.resealed', 'success'], ['key.resealed', 'success']]);
  });

  it('leaves a value no key opens as it is, counts it as unreadable and audits a failure', async () => {
    events.length = 0;
    const stranger = createSecretBox(randomBytes(32)).seal('x', 'client:c9');
    const sealed = fakeSealed([{ kind: 'client_secret', id: 'c9', ciphertext: stranger }]);
    const report = await createResealService({ sealed, box: ring, audit }).reseal(meta);
    assert.equal(report.client_secret.unreadable, 1);
    assert.equal(sealed.rows[0]!.ciphertext, stranger);
    assert.equal(events[0]?.outcome, 'failure');
  });
});
