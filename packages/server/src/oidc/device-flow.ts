/**
 * The device authorization grant (RFC 8628), configured: the library runs the protocol (device
 * and user codes, the `/device` form's CSRF value, sign-in through the normal interaction,
 * `authorization_pending`, `expired_token`, `access_denied`); this file supplies what it leaves
 * to a deployment.
 * - User codes: 8 characters of the library's `base-20` set (BCDFGHJKLMNPQRSTVWXZ: consonants
 *   only, so no vowels to spell words and none of the look-alikes 0/O, 1/I/L… except L, which has
 *   no digit twin here), shown as `BCDF-GHJK`: 20^8 ≈ 2.56e10 codes (RFC 8628 §6.1). Typed input
 *   is normalised by the library (case, spaces, dashes and any other non-word character).
 * - Pages: ours (views/device-flow.view.ts), in the request's language and our CSP; the
 *   library's default HTML (English, inline handlers) is never sent.
 * - `deviceFlowMiddleware` runs inside the provider (`provider.use`):
 *   - `GET /device?user_code=…` (verification_uri_complete, RFC 8628 §3.3.1) prefills the form
 *     instead of the library's auto-submitting page: the person still presses Continue, then
 *     Allow (§5.4);
 *   - `POST /device` takes the user-code guessing limit before the library looks the code up
 *     (limits/user-code-guard.ts), 429 with Retry-After when refused;
 *   - the device authorization response states `interval` (RFC 8628 §3.2, 5 s);
 *   - a poll of the token endpoint within `interval` of the last counted one for the same device
 *     code is answered `slow_down` (§3.5) instead of `authorization_pending`: the library defines
 *     the error but never sends it. Only pending answers are rewritten; tokens, `expired_token`
 *     and `access_denied` pass as the library gave them.
 */
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { DEVICE_CODE_GRANT } from '@portcullis/contract';
import { renderDocument } from '../http/html.js';
import { nonceOf, requestIdOf } from '../http/request-state.js';
import { limitedMessage } from '../http/limited-message.js';
import type { LimiterFactory } from '../limits/attempt-guard.js';
import type { UserCodeGuard } from '../limits/user-code-guard.js';
import { message } from '../messages/message.js';
import { describeScopes } from '../interactions/scope-descriptions.js';
import { describeDevice } from '../views/device.js';
import { errorView } from '../views/error.view.js';
import { deviceConfirmView, deviceDoneView, deviceInputView } from '../views/device-flow.view.js';
import { isUnavailable } from '../stores/unavailable.js';

type DeviceFlow = NonNullable<NonNullable<Configuration['features']>['deviceFlow']>;
type Ctx = KoaContextWithOIDC;

/** What our middleware and these pages leave each other on `ctx.state` (Koa types it as `any`). */
const stateOf = (ctx: { state: unknown }) => ctx.state as Record<string, unknown>;

/** RFC 8628 §3.2: the minimum seconds between polls; the default a client assumes, stated anyway. */
export const POLL_INTERVAL_SECONDS = 5;

/** The library's path for the verification page (its `routes.code_verification` default). */
const VERIFICATION_PATH = '/device';
/** The longest user code taken from a prefill link; real ones are 9 characters. */
const MAX_PREFILL = 64;

/** What the page said about a submitted code, for the guessing limit. */
const OUTCOME = 'deviceUserCodeOutcome';
const PREFILL = 'deviceUserCodePrefill';

function secretOf(ctx: Ctx): string {
  const state = ctx.oidc.session?.state as { secret?: unknown } | undefined;
  return typeof state?.secret === 'string' ? state.secret : '';
}

/** The person's words for what the library threw while the code form was shown. */
function inputError(err: Error | undefined): string | undefined {
  switch (err?.name) {
    case undefined:
      return undefined;
    case 'NotFoundError':
      return message('view.device.not_found');
    case 'ExpiredError':
      return message('view.device.expired');
    case 'AlreadyUsedError':
      return message('view.device.used');
    case 'NoCodeError':
      return message('view.device.missing');
    // The form's CSRF value was missing or wrong (shared/xsrf.js).
    case 'InvalidRequest':
      return message('error.request.csrf');
    default:
      return message('view.device.failed');
  }
}

export function deviceFlowFeature(deps: {
  /** The email of a signed-in account (undefined when it is gone or disabled). */
  emailOf(accountId: string): Promise<string | undefined>;
}): DeviceFlow {
  return {
    enabled: true,
    charset: 'base-20',
    mask: '****-****',
    // Shown on the confirm page as a hint (the device says what it is); bounded.
    deviceInfo: (ctx) => ({ ip: ctx.ip, ua: (ctx.get('user-agent') || '').slice(0, 512) }),
    userCodeInputSource(ctx, _form, _out, err) {
      stateOf(ctx)[OUTCOME] = err?.name === 'NotFoundError' ? 'unknown' : 'not_a_guess';
      const session = ctx.oidc.session;
      if (err && session && typeof session.exp !== 'number') {
        // A form posted without a provider session (from another site, or after the session
        // ended): the library's session step has already run when its error handler gets here
        // (on a GET the session is saved after this page), so the session its error page would
        // start is neither stored nor sent, and saving it later throws (a 500). Leave it
        // untouched and send the person to a fresh form.
        (session as unknown as { touched: boolean }).touched = false;
        ctx.status = 303;
        ctx.redirect(VERIFICATION_PATH);
        return;
      }
      ctx.type = 'html';
      if (err?.name === 'AbortedError') {
        ctx.body = renderDocument(deviceDoneView({ nonce: nonceOf(ctx), outcome: 'denied' }));
        return;
      }
      const submitted = (err as { userCode?: unknown } | undefined)?.userCode;
      const prefill = stateOf(ctx)[PREFILL];
      const code = typeof submitted === 'string' ? submitted : typeof prefill === 'string' ? prefill : undefined;
      const error = inputError(err);
      ctx.body = renderDocument(deviceInputView({ nonce: nonceOf(ctx), action: VERIFICATION_PATH, xsrf: secretOf(ctx), ...(code !== undefined && { code: code.slice(0, MAX_PREFILL) }), ...(error && { error }) }));
    },
    async userCodeConfirmSource(ctx, _form, client, deviceInfo, userCode) {
      stateOf(ctx)[OUTCOME] = 'not_a_guess';
      // Already signed in here: the page says which account the device will get.
      const accountId = ctx.oidc.session?.accountId;
      const accountEmail = accountId ? await deps.emailOf(accountId) : undefined;
      ctx.type = 'html';
      const params = ctx.oidc.deviceCode?.params as { scope?: unknown } | undefined;
      const scopes = typeof params?.scope === 'string' ? params.scope.split(' ').filter(Boolean) : [];
      const ua = typeof deviceInfo.ua === 'string' ? deviceInfo.ua : undefined;
      const ip = typeof deviceInfo.ip === 'string' ? deviceInfo.ip : message('view.sessions.unknown');
      const submitted = ctx.oidc.params?.user_code;
      ctx.body = renderDocument(deviceConfirmView({
        nonce: nonceOf(ctx),
        action: VERIFICATION_PATH,
        xsrf: secretOf(ctx),
        submittedCode: typeof submitted === 'string' ? submitted : userCode,
        displayCode: userCode,
        clientName: client.clientName ?? client.clientId,
        scopes: describeScopes(scopes),
        device: describeDevice(ua),
        address: ip,
        ...(accountEmail !== undefined && { accountEmail }),
      }));
    },
    successSource(ctx) {
      ctx.type = 'html';
      const client = ctx.oidc.client;
      ctx.body = renderDocument(deviceDoneView({ nonce: nonceOf(ctx), outcome: 'success', clientName: client?.clientName ?? client?.clientId ?? '' }));
    },
  };
}

const normalisePath = (path: string) => path.toLowerCase().replace(/\/+$/, '') || '/';

/** The poll counter's key: a hash, so the device code (a bearer secret) is never a store key. */
const pollKey = (deviceCode: string) => createHash('sha256').update(deviceCode).digest('base64url');

export function deviceFlowMiddleware(deps: { userCodes: UserCodeGuard; counters: LimiterFactory }): Middleware {
  const polls = deps.counters('device-poll', { points: 1, durationSeconds: POLL_INTERVAL_SECONDS });

  const guardedVerification: Middleware = async (rawCtx, next) => {
    const ctx = rawCtx as unknown as Ctx;
    let attempt: Awaited<ReturnType<UserCodeGuard['begin']>>;
    try {
      attempt = await deps.userCodes.begin(ctx.ip);
    } catch (error) {
      if (!isUnavailable(error)) throw error;
      // The counters' store is away: no unlimited guessing meanwhile (public.app.ts adds Retry-After).
      ctx.status = 503;
      ctx.type = 'html';
      ctx.body = renderDocument(errorView({ nonce: nonceOf(ctx), title: message('page.failed'), message: message('page.oauth.try_later') }));
      return;
    }
    if (!attempt.allowed) {
      ctx.status = 429;
      ctx.set('Retry-After', String(attempt.retryAfterSeconds));
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'html';
      const requestId = requestIdOf(ctx);
      ctx.body = renderDocument(errorView({ nonce: nonceOf(ctx), title: message('view.device.title'), message: limitedMessage(attempt.retryAfterSeconds), ...(requestId && { requestId }) }));
      return;
    }
    try {
      await next();
    } finally {
      await attempt.settle(stateOf(ctx)[OUTCOME] === 'unknown' ? 'unknown' : 'not_a_guess');
    }
  };

  const pacedPolling: Middleware = async (rawCtx, next) => {
    await next();
    const ctx = rawCtx as unknown as Partial<KoaContextWithOIDC> & typeof rawCtx;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (ctx.oidc?.route === 'device_authorization' && ctx.status === 200 && body && typeof body.device_code === 'string') {
      body.interval = POLL_INTERVAL_SECONDS;
      return;
    }
    const deviceCode = ctx.oidc?.params?.device_code;
    if (ctx.oidc?.route !== 'token' || ctx.oidc.params?.grant_type !== DEVICE_CODE_GRANT || typeof deviceCode !== 'string') return;
    if (body?.error !== 'authorization_pending') return;
    try {
      await polls.consume(pollKey(deviceCode), 1);
    } catch (error) {
      if (error instanceof RateLimiterRes) {
        ctx.body = { error: 'slow_down', error_description: `poll at most every ${POLL_INTERVAL_SECONDS} seconds, and 5 seconds slower after each slow_down (RFC 8628 §3.5)` };
        return;
      }
      // The counters' store is away: the pending answer stands, unpaced.
      if (!isUnavailable(error)) throw error;
    }
  };

  return async (ctx, next) => {
    const path = normalisePath(ctx.path);
    const prefill = ctx.query.user_code;
    if (path === VERIFICATION_PATH && ctx.method === 'GET' && prefill !== undefined) {
      // The library would answer with a page that posts the code at once; ours shows it instead
      // (the first one, should the link repeat it).
      const code = Array.isArray(prefill) ? prefill[0] : prefill;
      if (code !== undefined) stateOf(ctx)[PREFILL] = code.slice(0, MAX_PREFILL);
      ctx.querystring = '';
    }
    if (path === VERIFICATION_PATH && ctx.method === 'POST') await guardedVerification(ctx, next);
    else await pacedPolling(ctx, next);
  };
}
