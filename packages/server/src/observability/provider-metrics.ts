/**
 * Turns the provider's events into metrics (node-oidc-provider publishes events instead of
 * logging; docs/events.md of the library lists them). Only error codes, grant types, prompts
 * and bounded client labels are used, never a token value.
 * - A refresh token presented after rotation makes the provider revoke the grant and answer
 *   `invalid_grant` with the detail "refresh token already used": that is the reuse signal (RFC 9700 §4.14.2).
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { Metrics } from './metrics.js';
import type { RequestContext } from './request-context.js';

/** The provider's OAuth errors: `error` is the code, `error_detail` the specific reason. */
type OAuthError = Error & { error?: string; error_description?: string; error_detail?: string };
type Listener = (ctx: KoaContextWithOIDC, ...rest: unknown[]) => void;

/** The grant type, from the provider's fixed set of supported ones (a bounded label). */
const grantTypeOf = (ctx: KoaContextWithOIDC) => {
  const value: unknown = ctx.oidc.params?.grant_type;
  return typeof value === 'string' ? value : 'unknown';
};

export const REFRESH_REUSE_DETAIL = 'refresh token already used';

export function attachProviderMetrics(provider: Provider, metrics: Metrics, context: RequestContext): void {
  const on = provider.on.bind(provider) as (event: string, listener: Listener) => unknown;
  const client = (ctx: KoaContextWithOIDC | undefined) => metrics.clientLabel(ctx?.oidc?.client?.clientId);
  const code = (error: unknown) => (error as OAuthError).error ?? 'server_error';
  const note = (ctx: KoaContextWithOIDC | undefined) => context.note({ clientId: ctx?.oidc?.client?.clientId, accountId: ctx?.oidc?.session?.accountId ?? ctx?.oidc?.account?.accountId });

  on('authorization.success', (ctx) => {
    note(ctx);
    metrics.oidc.authorizations.inc({ client: client(ctx), outcome: 'success' });
  });
  on('authorization.error', (ctx, error) => {
    note(ctx);
    metrics.oidc.authorizations.inc({ client: client(ctx), outcome: code(error) });
  });
  on('grant.success', (ctx) => {
    note(ctx);
    metrics.oidc.tokens.inc({ grant_type: grantTypeOf(ctx), client: client(ctx) });
  });
  on('grant.error', (ctx, error) => {
    note(ctx);
    metrics.oidc.tokenErrors.inc({ error: code(error), client: client(ctx) });
    if ((error as OAuthError).error_detail === REFRESH_REUSE_DETAIL) metrics.oidc.refreshReuse.inc({ client: client(ctx) });
  });
  for (const endpoint of ['userinfo', 'introspection', 'revocation', 'end_session']) {
    on(`${endpoint}.error`, (ctx, error) => {
      note(ctx);
      metrics.oidc.endpointErrors.inc({ endpoint, error: code(error) });
    });
  }
  on('end_session.success', (ctx) => {
    note(ctx);
    metrics.oidc.logouts.inc({ client: client(ctx) });
  });
  on('interaction.started', (ctx, prompt) => {
    note(ctx);
    const name = (prompt as { name?: string } | undefined)?.name;
    metrics.oidc.interactions.inc({ prompt: name === 'login' || name === 'consent' ? name : 'other' });
  });
  on('server_error', () => metrics.oidc.serverErrors.inc());
}
