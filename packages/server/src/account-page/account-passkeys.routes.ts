/**
 * "Passkeys" on the account page (/account/passkeys), behind the account session and its step-up
 * rule (account-pages.ts `signedIn`: an account with a second factor is changed only by a session
 * that signed in with one):
 * - Adding is a WebAuthn registration: `POST /account/passkeys/options` draws a challenge, keeps it
 *   in a sealed cookie bound to this account session (its `sid`) for at most CEREMONY_MS, and
 *   answers the options as JSON; the page posts the result with a name to `POST /account/passkeys`,
 *   which takes the challenge out (cleared whatever happens, so it serves once; a replayed
 *   registration would also meet the unique credential id) and calls the passkey service
 *   (SECURITY.md A15).
 * - Adding needs a confirmed address (SECURITY.md A6) and a sign-in from the last
 *   RECENT_SIGN_IN_SECONDS (not the current password: a passkey-only or second-factor account
 *   may have none to type, and a fresh sign-in asks for every factor the account has). A session
 *   signed in earlier is offered `/account/login?reauth=passkeys`, which comes back here. Whoever
 *   finds an open, older session cannot quietly add a way in; the account's address is mailed a
 *   "passkey added" notice either way (passkey.service.ts).
 * - Renaming and removing name a passkey by its credential id, looked up among this account's own.
 * Every POST checks CSRF first and answers 303 with a one-shot message (R11), except the options,
 * a JSON answer. The service writes `passkey.added` / `passkey.removed` and ends other sessions
 * where adding or removing changes how the account signs in (A16).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { z } from 'zod';
import { formBody } from '../http/form-body.js';
import { sendPage } from '../http/render.js';
import { nonceOf } from '../http/request-state.js';
import { AppError } from '../http/app-error.js';
import { csrfField, csrfOnlyForm } from '../interactions/forms.js';
import { message } from '../messages/message.js';
import { currentLocale } from '../messages/locale-scope.js';
import { requestMeta } from '../audit/audit.service.js';
import { currentBranding } from '../branding/branding-scope.js';
import type { PasskeyService } from '../passkeys/passkey.service.js';
import { CEREMONY_MS } from '../passkeys/webauthn.js';
import { accountPasskeysView } from '../views/account-passkeys.view.js';
import { ACCOUNT_CLIENT_ID } from './account-client.js';
import type { AccountSession } from './account-session.js';
import type { AccountPages } from './account-pages.js';

const CHALLENGE = 'portcullis.account.passkey';
/** How recent a sign-in must be to add a passkey: long enough to do it, short enough that an unattended session is not enough. */
export const RECENT_SIGN_IN_SECONDS = 5 * 60;
export const REAUTH_PATH = '/account/login?reauth=passkeys';

/** Whether this session may add a passkey now, or why not. */
export function passkeyAddition(session: AccountSession, nowSeconds = Math.floor(Date.now() / 1000)): 'allowed' | 'unverified' | 'reauth' {
  if (!session.emailVerified) return 'unverified';
  if (session.signedInAt === undefined || nowSeconds - session.signedInAt > RECENT_SIGN_IN_SECONDS) return 'reauth';
  return 'allowed';
}
const PAGE = '/account/passkeys';
const credentialId = z.string().min(1).max(1024).regex(/^[A-Za-z0-9_-]+$/);
const addForm = z.object({ csrf: csrfField, name: z.string().max(1024), response: z.string().min(1).max(12 * 1024) });
const renameForm = z.object({ csrf: csrfField, name: z.string().max(1024) });

export interface AccountPasskeyRoutesDeps {
  pages: AccountPages;
  passkeys: PasskeyService;
}

export function accountPasskeyRoutes(deps: AccountPasskeyRoutesDeps): Router {
  const router = new Router({ prefix: PAGE });
  const { pages, passkeys } = deps;
  const challengeCookie = (session: AccountSession) => ({ path: '/account', aad: `passkey-challenge:account:${session.accountId}:${session.csrfScope}` });
  const at = (ctx: Context) => ({ ip: ctx.ip, meta: requestMeta(ctx), clientId: ACCOUNT_CLIENT_ID });
  const parsePost = <T>(ctx: Context, session: AccountSession, schema: z.ZodType<T>): T => {
    pages.requireCsrf(ctx, session);
    const parsed = schema.safeParse(ctx.request.body);
    if (!parsed.success) throw new AppError('request.invalid');
    return parsed.data;
  };
  const idOf = (ctx: Context) => {
    const parsed = credentialId.safeParse((ctx.params as Record<string, string | undefined>).id);
    if (!parsed.success) throw new AppError('request.not_found');
    return parsed.data;
  };

  router.get('/', async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    sendPage(ctx, 200, accountPasskeysView({ nonce: nonceOf(ctx), csrfToken: pages.csrfToken(session), passkeys: await passkeys.list(session.accountId), addition: passkeyAddition(session), reauthHref: REAUTH_PATH, ...pages.takeFlash(ctx, session) }));
  });

  router.post('/options', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    parsePost(ctx, session, csrfOnlyForm);
    const addition = passkeyAddition(session);
    if (addition !== 'allowed') throw new AppError(addition === 'unverified' ? 'account.email_unverified' : 'account.reauth_required');
    const { options, challenge } = await passkeys.registrationOptions({ id: session.accountId, email: session.email }, currentBranding().productName);
    pages.sealed.put(ctx, CHALLENGE, challenge, { ...challengeCookie(session), maxAgeMs: CEREMONY_MS });
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { options };
  });

  router.post('/', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, addForm);
    const challenge = pages.sealed.take(ctx, CHALLENGE, challengeCookie(session));
    const addition = passkeyAddition(session);
    if (addition === 'unverified') return pages.redirectWith(ctx, session, PAGE, { kind: 'error', message: message('error.account.email_unverified') });
    if (addition === 'reauth') return pages.redirectWith(ctx, session, PAGE, { kind: 'error', message: message('account.passkey_reauth') });
    if (typeof challenge !== 'string') return pages.redirectWith(ctx, session, PAGE, { kind: 'error', message: message('account.passkey_expired') });
    if (!form.name.trim()) return pages.redirectWith(ctx, session, PAGE, { kind: 'error', message: message('account.passkey_name_required') });
    const outcome = await passkeys.add({ accountId: session.accountId, challenge, response: form.response, name: form.name, locale: currentLocale(), at: at(ctx), keepSessionId: session.sessionId });
    if (outcome === 'added') return pages.redirectWith(ctx, session, PAGE, { kind: 'notice', message: message('account.passkey_added') });
    pages.redirectWith(ctx, session, PAGE, { kind: 'error', message: message(outcome === 'too_many' ? 'account.passkey_too_many' : 'account.passkey_not_added') });
  });

  router.post('/:id/rename', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    const form = parsePost(ctx, session, renameForm);
    if (!form.name.trim()) return pages.redirectWith(ctx, session, PAGE, { kind: 'error', message: message('account.passkey_name_required') });
    const renamed = await passkeys.rename(session.accountId, idOf(ctx), form.name);
    pages.redirectWith(ctx, session, PAGE, renamed ? { kind: 'notice', message: message('account.passkey_renamed') } : { kind: 'error', message: message('account.passkey_not_found') });
  });

  router.post('/:id/remove', formBody(), async (ctx) => {
    const session = await pages.signedIn(ctx);
    if (!session) return;
    parsePost(ctx, session, csrfOnlyForm);
    const removed = await passkeys.remove({ accountId: session.accountId, id: idOf(ctx), at: at(ctx), keepSessionId: session.sessionId });
    pages.redirectWith(ctx, session, PAGE, removed ? { kind: 'notice', message: message('account.passkey_removed') } : { kind: 'error', message: message('account.passkey_not_found') });
  });

  return router;
}
