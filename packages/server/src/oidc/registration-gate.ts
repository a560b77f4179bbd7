/**
 * Who may register a client at the registration endpoint (RFC 7591 §3), in front of the
 * provider's `POST /reg` (the library's own initial-access-token check is off: ours are hashed,
 * expire, count their uses and can be revoked, clients/registration-tokens.service.ts).
 * - One registration per request from an address counts against its limit first (429 with
 *   Retry-After, SECURITY.md A13), whatever the outcome.
 * - `Authorization: Bearer <initial access token>`: one use is taken atomically before the
 *   provider sees the request, so N concurrent requests cannot spend more than the token allows;
 *   when the provider does not answer 201 (its metadata refused), the use is given back.
 *   A token that is unknown, expired, used up or revoked is `invalid_token` (401), in the same
 *   words for each, so a guess learns nothing.
 * - Without a token: refused in `token` mode; in `open-native` mode the request may register a
 *   public native client only (oidc/registration-policy.ts).
 * The provider's router matches paths regardless of case and a trailing slash, so this does too.
 */
import type { Middleware } from 'koa';
import type { DynamicRegistrationMode } from '@portcullis/config';
import type { Limited } from '../limits/attempt-guard.js';
import type { RegistrationTokensService } from '../clients/registration-tokens.service.js';
import { setRegistrationVia } from './registration-policy.js';
import { orUnavailable } from '../stores/unavailable.js';

/** The provider's registration endpoint (its default route). */
export const REGISTRATION_PATH = '/reg';

const BEARER = /^bearer\s+(\S+)\s*$/i;

/**
 * RFC 6750 §3.1 `invalid_token` in the provider's JSON error format. Written here: middleware in
 * front of the provider's routes is outside the route's own error handler.
 */
function refuse(ctx: Parameters<Middleware>[0], description: string): void {
  ctx.status = 401;
  ctx.set('WWW-Authenticate', `Bearer realm="registration", error="invalid_token", error_description="${description}"`);
  ctx.set('Cache-Control', 'no-store');
  ctx.body = { error: 'invalid_token', error_description: description };
}

export function registrationGate(deps: {
  mode: Exclude<DynamicRegistrationMode, 'off'>;
  tokens: Pick<RegistrationTokensService, 'use' | 'giveBack'>;
  limit(ip: string): Promise<Limited | undefined>;
}): Middleware {
  return async (ctx, next) => {
    if (ctx.method !== 'POST' || (ctx.path.toLowerCase().replace(/\/+$/, '') || '/') !== REGISTRATION_PATH) {
      await next();
      return;
    }
    const limited = await deps.limit(ctx.ip);
    if (limited) {
      ctx.status = 429;
      ctx.set('Retry-After', String(limited.retryAfterSeconds));
      ctx.set('Cache-Control', 'no-store');
      ctx.body = { error: 'temporarily_unavailable', error_description: 'too many client registrations from this address; retry later' };
      return;
    }
    const header = ctx.get('Authorization');
    if (!header) {
      if (deps.mode !== 'open-native') return refuse(ctx, 'an initial access token is required to register a client');
      setRegistrationVia(ctx, 'open-native');
      await next();
      return;
    }
    const token = BEARER.exec(header)?.[1];
    const tokenId = token === undefined ? undefined : await orUnavailable(deps.tokens.use(token));
    if (tokenId === undefined) return refuse(ctx, 'initial access token not valid');
    setRegistrationVia(ctx, 'token');
    ctx.state.registrationTokenId = tokenId;
    let registered = false;
    try {
      await next();
      registered = ctx.status === 201;
    } finally {
      if (!registered) await deps.tokens.giveBack(tokenId);
    }
  };
}
