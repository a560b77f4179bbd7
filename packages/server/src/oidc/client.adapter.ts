/**
 * The provider's Client model, read from the clients table. The provider needs the plaintext
 * secret to authenticate `client_secret_basic/post`, so it is decrypted here, per lookup, and
 * never stored in clear (docs/README.md "adapter": the Client adapter returns the secret).
 * Clients are managed through the admin API; the provider writes only clients that registered
 * themselves (RFC 7591/7592), which go to `registered` (clients/registered-clients.ts), and when
 * dynamic registration is off every write is refused.
 * U+0000 in a client_id is handled by stores/nul-guard.adapter.ts, which wraps this adapter too.
 */
import type { Adapter, AdapterPayload } from 'oidc-provider';
import type { ClientRepository } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import type { ClientCache } from './client-cache.js';
import type { RegisteredClients } from '../clients/registered-clients.js';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}

/**
 * Lookups go through `cache` (client-cache.ts says how long a change takes). Each loaded client's
 * `scope` is shown to `seen` (oidc/api-scopes.ts: a scope this instance does not know yet).
 */
export function createClientAdapter(clients: ClientRepository, box: SecretBox, cache: ClientCache, seen?: (scope: unknown) => void, registered?: RegisteredClients): Adapter {
  const readOnly = () => Promise.reject(new Error('clients are managed through the admin API'));
  const load = async (id: string, fromPrimary = false): Promise<AdapterPayload | undefined> => {
    const client = await (fromPrimary ? clients.findByIdOnPrimary(id) : clients.findById(id));
    if (!client) return undefined;
    const secret = client.secretCiphertext ? box.open(client.secretCiphertext, `client:${client.clientId}`) : undefined;
    seen?.(client.metadata.scope);
    return { ...client.metadata, client_id: client.clientId, ...(secret !== undefined && { client_secret: secret }) };
  };
  return {
    async find(id: string): Promise<AdapterPayload | undefined> {
      // Frozen once when loaded instead of copied per lookup (a copy was 3 % of an
      // introspection's CPU): the provider cannot change what the next lookup gets, and if it
      // ever tried, strict-mode code would throw rather than corrupt the cache silently.
      return cache.get(id, async (fromPrimary) => deepFreeze(await load(id, fromPrimary)));
    },
    upsert: (id: string, payload: AdapterPayload) => (registered ? registered.save(id, payload) : readOnly()),
    findByUid: () => Promise.resolve(undefined),
    findByUserCode: () => Promise.resolve(undefined),
    consume: readOnly,
    destroy: (id: string) => (registered ? registered.remove(id) : readOnly()),
    revokeByGrantId: () => Promise.resolve(),
  };
}
