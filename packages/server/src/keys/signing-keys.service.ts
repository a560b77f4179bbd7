/**
 * Signing keys shared by every instance through the database.
 * - First start: one generation is created (RS256, ES256, EdDSA), private halves sealed with the
 *   encryption key. RS256 comes first so it signs by default (OIDC Discovery §3 requires RS256).
 * - Rotation: a new generation becomes active; the previous one stays published until every
 *   token it signed has expired (ID token lifetime plus clock tolerance), then leaves the JWKS.
 * - `load` returns the private JWKS for the provider, active keys first.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import type { SigningKeyRepository, StoredSigningKey } from '@portcullis/db';
import { ID_TOKEN_ALGS, type SigningKeyView } from '@portcullis/contract';
import type { SecretBox } from '../crypto/secret-box.js';

/** One key per algorithm a client may pick for its ID tokens, RS256 first. */
export const SIGNING_ALGORITHMS = ID_TOKEN_ALGS;

/** A key as the admin API shows it (no private half). */

export interface SigningKeysService {
  ensureInitial(): Promise<void>;
  load(): Promise<{ keys: JWK[] }>;
  /** A fingerprint of the published set; instances compare it to notice a rotation elsewhere. */
  fingerprint(): Promise<string>;
  rotate(): Promise<void>;
  list(): Promise<SigningKeyView[]>;
}

async function generate(alg: (typeof SIGNING_ALGORITHMS)[number]): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'RS256' && { modulusLength: 2048 }), ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
  const jwk = await exportJWK(privateKey);
  return { ...jwk, alg, use: 'sig', kid: `${alg.toLowerCase()}-${randomUUID()}` };
}

export function createSigningKeysService(deps: {
  repository: SigningKeyRepository;
  box: SecretBox;
  /** How long a retired key stays published: the longest lifetime of anything it signed. */
  retiredKeyPublishSeconds: number;
  clock?: () => Date;
}): SigningKeysService {
  const { repository, box } = deps;
  const clock = deps.clock ?? (() => new Date());

  async function newGeneration() {
    const jwks = await Promise.all(SIGNING_ALGORITHMS.map(generate));
    return jwks.map((jwk) => ({ kid: jwk.kid!, alg: jwk.alg!, privateJwkCiphertext: box.seal(JSON.stringify(jwk), `signing-key:${jwk.kid}`) }));
  }

  const open = (key: StoredSigningKey): JWK => JSON.parse(box.open(key.privateJwkCiphertext, `signing-key:${key.kid}`)) as JWK;

  return {
    async ensureInitial() {
      const published = await repository.listPublished(clock());
      if (published.some((k) => k.status === 'active')) return;
      await repository.insertInitial(await newGeneration());
    },

    async load() {
      const published = await repository.listPublished(clock());
      const order = (k: StoredSigningKey) => (k.status === 'active' ? 0 : 1) * 10 + SIGNING_ALGORITHMS.indexOf(k.alg as never);
      return { keys: [...published].sort((a, b) => order(a) - order(b)).map(open) };
    },

    async fingerprint() {
      const published = await repository.listPublished(clock());
      return published.map((k) => `${k.kid}:${k.status}`).sort().join(',');
    },

    async rotate() {
      const publishUntil = new Date(clock().getTime() + deps.retiredKeyPublishSeconds * 1000);
      await repository.rotate(await newGeneration(), publishUntil);
    },

    async list() {
      const all = await repository.listAll();
      return all.map((k) => ({
        kid: k.kid,
        alg: k.alg,
        status: k.status,
        created_at: k.createdAt.toISOString(),
        retired_at: k.retiredAt?.toISOString() ?? null,
        publish_until: k.publishUntil?.toISOString() ?? null,
      }));
    },
  };
}

/** The service, calling `rotated` after each rotation (the change feed tells other instances). */
export function announcingRotations(keys: SigningKeysService, rotated: () => void): SigningKeysService {
  return {
    ...keys,
    async rotate() {
      await keys.rotate();
      rotated();
    },
  };
}
