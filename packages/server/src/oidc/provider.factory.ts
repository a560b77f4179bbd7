/**
 * Builds the Provider and keeps the current one in a holder. A key rotation builds a new
 * Provider with the new JWKS and swaps it in; requests already running finish on the old one.
 * Every instance polls the key fingerprint, so a rotation made on one instance reaches all
 * (at once through the change feed when instances share a Redis; the poll is the backstop).
 */
import Provider from 'oidc-provider';
import type { Configuration } from 'oidc-provider';
import type { Middleware } from 'koa';
import type { Logger } from '../observability/logger.js';
import type { SigningKeysService } from '../keys/signing-keys.service.js';
import { attachProviderEvents } from './provider-events.js';
import { answerOutagesWith503 } from './outage-status.js';

export interface ProviderHolder {
  current(): Provider;
  /** Reloads keys and rebuilds the provider when the published key set changed. */
  refreshKeys(): Promise<boolean>;
  /** Builds a new provider from the current configuration (a new API scope: oidc/api-scopes.ts). */
  rebuild(): Promise<void>;
}

export async function createProviderHolder(deps: {
  issuer: string;
  trustProxy: boolean;
  keys: SigningKeysService;
  logger: Logger;
  configure(jwks: Awaited<ReturnType<SigningKeysService['load']>>): Configuration;
  /** Middleware run around the provider's own routes (`provider.use`), on every rebuild. */
  use?: Middleware[];
  /** Told about every Provider built (first and after each key rotation): metrics listeners. */
  onBuild?: (provider: Provider) => void;
}): Promise<ProviderHolder> {
  const build = async () => {
    const jwks = await deps.keys.load();
    const provider = new Provider(deps.issuer, deps.configure(jwks));
    provider.proxy = deps.trustProxy;
    attachProviderEvents(provider, deps.logger);
    answerOutagesWith503(provider);
    for (const middleware of deps.use ?? []) provider.use(middleware);
    deps.onBuild?.(provider);
    return provider;
  };
  let provider = await build();
  let fingerprint = await deps.keys.fingerprint();
  return {
    current: () => provider,
    async rebuild() {
      provider = await build();
    },
    async refreshKeys() {
      const next = await deps.keys.fingerprint();
      if (next === fingerprint) return false;
      provider = await build();
      fingerprint = next;
      deps.logger.info('signing keys reloaded', { fingerprint: next });
      return true;
    },
  };
}
