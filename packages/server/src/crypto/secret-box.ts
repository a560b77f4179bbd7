/**
 * Encrypts secrets at rest (client secrets, private signing keys, TOTP seeds) with AES-256-GCM,
 * under a key ring so ENCRYPTION_KEY can be rotated (docs/operations.md "Rotating ENCRYPTION_KEY").
 * - A fresh 96-bit IV per message; the tag authenticates, so a tampered value fails to open.
 * - Format `v2.<key id>.<iv>.<tag>.<ciphertext>` (base64url). The key id names the ring key that
 *   sealed it, so opening tries one key, and a reseal knows what is still on an old key.
 * - `v1.<iv>.<tag>.<ciphertext>` (sealed before the ring existed, no key id) still opens: every
 *   key of the ring is tried; AES-GCM's tag refuses all but the right one.
 * - New seals always use the newest key (the first of the ring).
 * - `aad` binds a ciphertext to its row (e.g. the client id), so it cannot be moved to another.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plaintext: string, aad: string): string;
  open(sealed: string, aad: string): string;
  /** Whether a sealed value is on a key other than the newest (or in the old format). */
  isStale(sealed: string): boolean;
}

export class SecretBoxError extends Error {
  constructor(message = 'sealed value cannot be opened with this key') {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * A key's public name: 8 base64url characters (48 bits) of a SHA-256 over a fixed label and the
 * key. One-way, so it reveals nothing usable about a 256-bit random key; long enough that two
 * keys of one ring never share it (checked below).
 */
export function encryptionKeyId(key: Buffer): string {
  return createHash('sha256').update('portcullis encryption key id\0').update(key).digest('base64url').slice(0, 8);
}

interface RingKey {
  id: string;
  key: Buffer;
}

function openWith(key: Buffer, iv: string, tag: string, ciphertext: string, aad: string): string | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** `keys`: one key, or the ring newest first. */
export function createSecretBox(keys: Buffer | readonly Buffer[]): SecretBox {
  const list = Buffer.isBuffer(keys) ? [keys] : keys;
  if (list.length === 0) throw new Error('the encryption key ring is empty');
  if (list.some((key) => key.length !== 32)) throw new Error('encryption key must be 32 bytes');
  const ring: RingKey[] = list.map((key) => ({ id: encryptionKeyId(key), key }));
  if (new Set(ring.map((k) => k.id)).size !== ring.length) throw new Error('the encryption key ring holds the same key twice');
  const newest = ring[0]!;

  return {
    seal(plaintext, aad) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', newest.key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return ['v2', newest.id, ...[iv, cipher.getAuthTag(), ciphertext].map((p) => p.toString('base64url'))].join('.');
    },
    open(sealed, aad) {
      const parts = sealed.split('.');
      if (parts[0] === 'v2' && parts.length === 5) {
        const [, id, iv, tag, ciphertext] = parts as [string, string, string, string, string];
        const entry = ring.find((k) => k.id === id);
        if (!entry) throw new SecretBoxError(`sealed with key ${id}, which is not in the encryption key ring`);
        const plain = openWith(entry.key, iv, tag, ciphertext, aad);
        if (plain === undefined) throw new SecretBoxError();
        return plain;
      }
      if (parts[0] === 'v1' && parts.length === 4) {
        const [, iv, tag, ciphertext] = parts as [string, string, string, string];
        for (const entry of ring) {
          const plain = openWith(entry.key, iv, tag, ciphertext, aad);
          if (plain !== undefined) return plain;
        }
      }
      throw new SecretBoxError();
    },
    isStale(sealed) {
      const [version, id] = sealed.split('.');
      return version !== 'v2' || id !== newest.id;
    },
  };
}
