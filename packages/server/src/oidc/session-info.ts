/**
 * What a person sees about each of their sessions (SECURITY.md A9): the device (user agent) and
 * address that signed in, when, and when the session was last used. The provider's Session
 * payload has no room for extra fields, so this is a small record of its own, model
 * `SessionInfo`, stored by the same adapter as the sessions (the `oidc_payloads` table or
 * Redis), keyed by the session's `uid` (stable for the life of the session, unlike its id,
 * which changes at every login, A7) and expiring with it.
 * `recordSessionActivity` runs around the provider's routes: after a resumed authorization
 * that signed someone in it writes a fresh record; after any other authorization request on a
 * signed-in session it moves "last seen".
 */
import type { Middleware } from 'koa';
import type { Adapter, KoaContextWithOIDC } from 'oidc-provider';
import { z } from 'zod';
import { LIFETIMES } from './lifetimes.js';

const infoSchema = z.object({
  accountId: z.string(),
  userAgent: z.string().nullable(),
  ip: z.string().nullable(),
  signedInAt: z.number(),
  lastSeenAt: z.number(),
  lastIp: z.string().nullable(),
});

export type SessionInfo = z.infer<typeof infoSchema>;

export interface SessionInfoStore {
  signedIn(uid: string, input: { accountId: string; userAgent: string | null; ip: string | null }): Promise<void>;
  seen(uid: string, accountId: string, ip: string | null): Promise<void>;
  find(uid: string): Promise<SessionInfo | undefined>;
  forget(uid: string): Promise<void>;
}

export function createSessionInfoStore(adapter: Adapter, clock: () => Date = () => new Date()): SessionInfoStore {
  const now = () => Math.floor(clock().getTime() / 1000);
  // Kept until the session's absolute end (oidc/lifetimes.ts), the longest it can live; a
  // session that ends sooner by idling leaves a record no one looks up, and it expires too.
  const ttl = (signedInAt: number) => Math.max(1, signedInAt + LIFETIMES.sessionAbsolute - now());
  const find = async (uid: string) => {
    const parsed = infoSchema.safeParse(await adapter.find(uid));
    return parsed.success ? parsed.data : undefined;
  };
  return {
    async signedIn(uid, input) {
      const at = now();
      await adapter.upsert(uid, { ...input, signedInAt: at, lastSeenAt: at, lastIp: input.ip }, ttl(at));
    },
    async seen(uid, accountId, ip) {
      const info = await find(uid);
      if (!info || info.accountId !== accountId) return;
      await adapter.upsert(uid, { ...info, lastSeenAt: now(), lastIp: ip }, ttl(info.signedInAt));
    },
    find,
    forget: (uid) => adapter.destroy(uid),
  };
}

export function recordSessionActivity(store: SessionInfoStore): Middleware {
  return async (ctx, next) => {
    await next();
    const { oidc } = ctx as unknown as Partial<KoaContextWithOIDC>;
    const session = oidc?.session;
    // A device flow's sign-in resumes at `device_resume` (RFC 8628, oidc/device-flow.ts).
    const resumed = oidc?.route === 'resume' || oidc?.route === 'device_resume';
    if (!oidc || !session?.accountId || !session.uid || (!resumed && oidc.route !== 'authorization')) return;
    const userAgent = ctx.get('User-Agent');
    if (resumed && oidc.result?.login) {
      await store.signedIn(session.uid, { accountId: session.accountId, userAgent: userAgent ? userAgent.slice(0, 512) : null, ip: ctx.ip || null });
    } else {
      await store.seen(session.uid, session.accountId, ctx.ip || null);
    }
  };
}
