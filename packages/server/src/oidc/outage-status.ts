/**
 * Safety net for the provider's routes: a dependency failure that reaches the provider without
 * its 503 mark (a hook that reads the database directly) still answers 503, not 500.
 * - Adapters and hooks mark their own failures (guardAdapter, orUnavailable); this catches the
 *   rest, so "a dependency is down" never depends on every future hook remembering to.
 * - The provider's error handlers set `ctx.status` and emit `server_error` before the response
 *   is sent, so changing the status here changes what the client gets; Retry-After is added in
 *   public.app.ts for every 503.
 */
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import { isUnavailable } from '../stores/unavailable.js';

export function answerOutagesWith503(provider: Pick<Provider, 'on'>): void {
  provider.on('server_error', (ctx: KoaContextWithOIDC, error: Error) => {
    if (ctx.status === 500 && isUnavailable(error)) ctx.status = 503;
  });
}
