/**
 * Dynamic client registration (RFC 7591) and its management (RFC 7592), as DYNAMIC_REGISTRATION
 * sets them (packages/config dcr-env.ts): both off by default; otherwise the library's endpoints,
 * with our gate in front (registration-gate.ts: initial access tokens, the limit per address),
 * our policy inside (registration-policy.ts), and our storage behind (clients/registered-clients.ts).
 * - A registration answers a registration access token (RFC 7592 §3) for reading, updating and
 *   deleting the client; every update replaces it with a new one (the old one stops working).
 * - Client ids and secrets come from the same generators as the admin API's.
 * - Each registration, update and deletion writes one audit event, from the provider's events.
 */
import { randomBytes } from 'node:crypto';
import type Provider from 'oidc-provider';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type { DynamicRegistrationMode } from '@portcullis/config';
import { newClientId } from '../clients/client.service.js';
import { requestMeta, type AuditService } from '../audit/audit.service.js';
import { DYNAMIC_REGISTRATION } from './client-flags.js';

type Features = NonNullable<Configuration['features']>;

export function registrationFeatures(mode: DynamicRegistrationMode): Pick<Features, 'registration' | 'registrationManagement'> {
  if (mode === 'off') return { registration: { enabled: false }, registrationManagement: { enabled: false } };
  return {
    registration: {
      enabled: true,
      // Checked by registration-gate.ts instead: hashed, expiring, counted, revocable.
      initialAccessToken: false,
      issueRegistrationAccessToken: true,
      idFactory: () => newClientId(),
      secretFactory: () => randomBytes(32).toString('base64url'),
    },
    registrationManagement: { enabled: true, rotateRegistrationAccessToken: true },
  };
}

export function auditRegistrations(provider: Provider, audit: AuditService): void {
  const record = (type: 'client.registered' | 'client.registration_updated' | 'client.registration_deleted') => (ctx: KoaContextWithOIDC, client: { clientId: string; metadata(): Record<string, unknown> }) => {
    const via = client.metadata()[DYNAMIC_REGISTRATION];
    const tokenId = type === 'client.registered' ? (ctx.state as Record<string, unknown>).registrationTokenId : undefined;
    void audit.record({ type, clientId: client.clientId, detail: { via, ...(typeof tokenId === 'string' && { token_id: tokenId }) } }, requestMeta(ctx));
  };
  provider.on('registration_create.success', record('client.registered'));
  provider.on('registration_update.success', record('client.registration_updated'));
  provider.on('registration_delete.success', record('client.registration_deleted'));
}
