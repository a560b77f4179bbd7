/**
 * The provider's Client model, read from the clients table. The provider needs the plaintext
 * secret to authenticate `client_secret_basic/post`, so it is decrypted here, per lookup, and
 * never stored in clear (docs/README.md "adapter": the Client adapter returns the secret).
 * Clients are managed through the admin API, never through the provider, so writes are refused.
 * U+0000 in a client_id is handled by nul-guard.adapter.ts, which wraps this adapter too.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientRepository } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ClientCache } from './client-cache.js';

/** With a `cache`, lookups go through it (client-cache.ts says how long a change takes). */
export function createClientAdapter(clients: ClientRepository, box: SecretBox, cache?: ClientCache): Adapter {
  const readOnly = () => Promise.reject(new Error('clients are managed through the admin API'));
  const load = async (id: string): Promise<AdapterPayload | undefined> => {
    const client = await clients.findById(id);
    if (!client) return undefined;
    const secret = client.secretCiphertext ? box.open(client.secretCiphertext, `client:${client.clientId}`) : undefined;
    return { ...client.metadata, client_id: client.clientId, ...(secret !== undefined && { client_secret: secret }) };
  };
  return {
    async find(id: string): Promise<AdapterPayload | undefined> {
      if (!cache) return load(id);
      // A copy: the provider must not be able to change what the next lookup gets.
      const payload = await cache.get(id, () => load(id));
      return payload && structuredClone(payload);
    },
    upsert: readOnly,
    findByUid: () => Promise.resolve(undefined),
    findByUserCode: () => Promise.resolve(undefined),
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: () => Promise.resolve(),
  };
}
