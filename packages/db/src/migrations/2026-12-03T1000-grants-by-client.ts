/**
 * Grants are looked up by client when the client is deleted, so deleting it revokes every grant
 * with its tokens: an expression index, the twin of the per-account one of 2026-11-28T1400,
 * keeps that lookup off a full scan of `oidc_payloads`. It covers rows written before it, too.
 * Frozen in time: typed against `Kysely<any>`.
 */
import { sql, type Kysely } from 'kysely';

/* eslint-disable @typescript-eslint/no-explicit-any -- migrations are frozen against an untyped schema */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index oidc_payloads_client on oidc_payloads (model, (payload->>'clientId')) where model = 'Grant'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists oidc_payloads_client`.execute(db);
}
