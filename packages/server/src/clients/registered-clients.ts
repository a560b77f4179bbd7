/**
 * Where a client that registered itself (RFC 7591) or changed or deleted its registration (RFC
 * 7592) lands: the provider saves it through the Client adapter (oidc/client.adapter.ts), which
 * hands it here, and it is stored in the `clients` table like a client the admin API made, its
 * secret sealed as theirs are. The policy has run by then (oidc/registration-policy.ts, inside
 * the provider's own validation); this is the storage rule:
 * - only a client marked as dynamically registered (the policy sets the mark, a client cannot)
 *   is written, and a client the admin API made is never overwritten or deleted this way;
 * - deleting one deletes its consents (ON DELETE CASCADE) and revokes every grant of it with its
 *   tokens, as the admin API's delete does.
 * Audit events are written from the provider's registration events (oidc/registration.ts),
 * which carry the request.
 */
import type { ClientRepository } from '@portcullis/db';
import type { SecretBox } from '../crypto/secret-box.js';
import { DYNAMIC_REGISTRATION } from '../oidc/client-flags.js';

export interface RegisteredClients {
  save(clientId: string, metadata: Record<string, unknown>): Promise<void>;
  remove(clientId: string): Promise<void>;
}

const isRegistered = (metadata: Record<string, unknown>) => metadata[DYNAMIC_REGISTRATION] === 'token' || metadata[DYNAMIC_REGISTRATION] === 'open-native';

export function createRegisteredClients(deps: { clients: ClientRepository; box: SecretBox; revokeGrants(clientId: string): Promise<number> }): RegisteredClients {
  const { clients, box } = deps;
  const refuse = () => new Error('clients are managed through the admin API');
  return {
    async save(clientId, metadata) {
      if (!isRegistered(metadata)) throw refuse();
      const existing = await clients.findByIdOnPrimary(clientId);
      if (existing && !isRegistered(existing.metadata)) throw refuse();
      const { client_secret: secret, ...stored } = metadata;
      const name = typeof stored.client_name === 'string' ? stored.client_name : clientId;
      const secretCiphertext = typeof secret === 'string' ? box.seal(secret, `client:${clientId}`) : null;
      if (existing) await clients.update(clientId, { name, firstParty: false, metadata: stored, secretCiphertext });
      else await clients.insert({ clientId, name, firstParty: false, metadata: stored, secretCiphertext });
    },
    async remove(clientId) {
      const existing = await clients.findByIdOnPrimary(clientId);
      if (!existing || !isRegistered(existing.metadata)) throw refuse();
      await clients.delete(clientId);
      await deps.revokeGrants(clientId);
    },
  };
}
