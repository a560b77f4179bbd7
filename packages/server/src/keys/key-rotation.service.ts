/**
 * Rotating the signing keys on an operator's request (`portcullis keys rotate`): the new
 * generation is stored, this instance's provider is rebuilt with it at once (others follow over
 * the change feed, or their 30 s poll), and one `key.rotated` audit event names the active keys.
 * The admin route only calls this.
 */
import type { SigningKeyView } from '@portcullis/contract';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import type { SigningKeysService } from './signing-keys.service.js';

export interface KeyRotation {
  rotate(meta: RequestMeta): Promise<SigningKeyView[]>;
}

export function createKeyRotation(deps: { keys: SigningKeysService; refreshProvider(): Promise<void>; audit: AuditService }): KeyRotation {
  return {
    async rotate(meta) {
      await deps.keys.rotate();
      await deps.refreshProvider();
      const keys = await deps.keys.list();
      await deps.audit.record({ type: 'key.rotated', detail: { active: keys.filter((k) => k.status === 'active').map((k) => k.kid) } }, meta);
      return keys;
    },
  };
}
