/**
 * Re-encrypting everything sealed at rest with the newest key of the ENCRYPTION_KEYS ring
 * (`portcullis keys reseal`, docs/operations.md "Rotating ENCRYPTION_KEY"): client secrets,
 * private signing keys, TOTP seeds and the parameters of queued mail. After it, the older keys can leave the ring.
 * - Values already on the newest key are left alone, so a second run changes nothing.
 * - A value that no key of the ring opens is counted as `unreadable` and left as it is (the
 *   reseal goes on with the rest); the report says so, and the old key must stay until it is
 *   understood.
 * - Each value is replaced only if it did not change meanwhile (sealed-value.repository.ts).
 * - One `key.resealed` audit event carries the counts.
 */
import type { ResealReport } from '@portcullis/contract';
import type { SealedKind, SealedValueRepository } from '@portcullis/db';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { SecretBox } from '../crypto/secret-box.js';
import { mailParamsAad } from '../mail/mail-outbox.js';

/** The AAD each kind is sealed with (the services that seal them use the same strings). */
const AAD: Record<SealedKind, (id: string) => string> = {
  client_secret: (id) => `client:${id}`,
  signing_key: (id) => `signing-key:${id}`,
  totp_seed: (id) => `totp:${id}`,
  mail_params: mailParamsAad,
};

export interface ResealService {
  reseal(meta: RequestMeta): Promise<ResealReport>;
}

export function createResealService(deps: { sealed: SealedValueRepository; box: SecretBox; audit: AuditService }): ResealService {
  const { sealed, box } = deps;
  return {
    async reseal(meta) {
      const report = {} as ResealReport;
      for (const kind of Object.keys(AAD) as SealedKind[]) {
        const counts = { resealed: 0, current: 0, unreadable: 0, changed_meanwhile: 0 };
        for (const value of await sealed.list(kind)) {
          if (!box.isStale(value.ciphertext)) {
            counts.current++;
            continue;
          }
          let plain: string;
          try {
            plain = box.open(value.ciphertext, AAD[kind](value.id));
          } catch {
            counts.unreadable++;
            continue;
          }
          if (await sealed.replace(value, box.seal(plain, AAD[kind](value.id)))) counts.resealed++;
          else counts.changed_meanwhile++;
        }
        report[kind] = counts;
      }
      const unreadable = Object.values(report).reduce((sum, c) => sum + c.unreadable, 0);
      await deps.audit.record({ type: 'key.resealed', outcome: unreadable === 0 ? 'success' : 'failure', detail: report }, meta);
      return report;
    },
  };
}
