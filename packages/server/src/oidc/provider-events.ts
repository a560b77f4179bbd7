/**
 * Logs the provider's events. Only ids and error codes are logged, never token values: the
 * provider hands us model instances, and we pick the safe fields out of them.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Logger } from '../observability/logger.js';
import { requestIdOf } from '../http/request-state.js';

export function attachProviderEvents(provider: Provider, logger: Logger): void {
  // Some events fire without a request context.
  const idOf = (ctx: KoaContextWithOIDC | undefined) => (ctx ? requestIdOf(ctx) : undefined);

  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    logger.error('provider server_error', { requestId: idOf(ctx), error: `${error.name}: ${error.message}` });
  });
  // The typings overload `on` per event; these listeners share one shape, so register them loosely.
  const on = provider.on.bind(provider) as (event: string, listener: (ctx: KoaContextWithOIDC, error: Error & { error?: string }) => void) => unknown;
  for (const event of ['grant.error', 'authorization.error', 'end_session.error', 'userinfo.error', 'introspection.error', 'revocation.error']) {
    on(event, (ctx, error) => {
      logger.info(event, { requestId: idOf(ctx), error: error.error ?? error.name, clientId: ctx?.oidc?.client?.clientId });
    });
  }
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    logger.info('grant.success', { requestId: idOf(ctx), clientId: ctx.oidc.client?.clientId, grantType: ctx.oidc.params?.grant_type });
  });
  provider.on('grant.revoked', (ctx: KoaContextWithOIDC, grantId: string) => {
    logger.info('grant.revoked', { requestId: idOf(ctx), grantId });
  });
}
