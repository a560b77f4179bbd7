/**
 * node-oidc-provider adapter for every model except Client, over PostgreSQL (embedded mode).
 * Implements the provider's adapter contract (docs/README.md "adapter"): payloads are opaque.
 * - `consume` is atomic: one conditional UPDATE decides the single winner among concurrent
 *   redemptions of a code or refresh token; the losers get `invalid_grant` and revoke the grant,
 *   as a sequential replay would (SECURITY.md R5, R7).
 * - Expired rows are invisible to `find` and removed by a periodic sweep.
 * - U+0000 never reaches it: ../nul-guard.adapter.ts wraps every payload adapter
 *   (buildStores wraps every store's adapters the same way).
 */
import { errors } from 'oidc-provider';
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { OidcPayloadRepository, PayloadRecord } from '@portcullis/db';

function toPayload(record: PayloadRecord | undefined): AdapterPayload | undefined {
  if (!record) return undefined;
  const payload = record.payload as AdapterPayload;
  return record.consumedAt ? { ...payload, consumed: Math.floor(record.consumedAt.getTime() / 1000) } : payload;
}

export function createPayloadAdapterClass(repository: OidcPayloadRepository, clock: () => Date = () => new Date()) {
  return class PayloadAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn: number | undefined): Promise<void> {
      const expiresAt = expiresIn ? new Date(clock().getTime() + expiresIn * 1000) : null;
      await repository.upsert(this.model, id, payload, expiresAt);
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return toPayload(await repository.find(this.model, id, clock()));
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return toPayload(await repository.findBy(this.model, 'uid', uid, clock()));
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return toPayload(await repository.findBy(this.model, 'user_code', userCode, clock()));
    }

    async consume(id: string): Promise<void> {
      const won = await repository.consume(this.model, id, clock());
      if (won) return;
      // Lost a race with another redemption of the same code or refresh token: treat it as the
      // replay it is and revoke the grant, so the winner's tokens die too (RFC 9700 §4.2.4,
      // §4.14.2). Without this, only a replay arriving after the first redemption revoked.
      const record = await repository.find(this.model, id, clock());
      const grantId = record?.payload.grantId;
      if (typeof grantId === 'string') {
        await repository.revokeByGrantId(grantId);
        await repository.destroy('Grant', grantId);
      }
      throw new errors.InvalidGrant(`${this.model} already consumed`);
    }

    async destroy(id: string): Promise<void> {
      await repository.destroy(this.model, id);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await repository.revokeByGrantId(grantId);
    }
  };
}
