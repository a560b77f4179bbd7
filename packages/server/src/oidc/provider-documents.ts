/**
 * Discovery and JWKS from precomputed bodies. The provider builds both documents on every
 * request (the JWKS by exporting each public key), though they change only when the provider
 * is rebuilt after a key rotation (provider.factory.ts). This middleware keeps the provider's
 * own answer per provider instance and path, and serves it with an ETag and Cache-Control:
 * - the body is the provider's, serialised once; nothing here writes metadata by hand;
 * - a rebuilt provider is a new WeakMap key, so a rotation invalidates both documents at once;
 * - `If-None-Match` with the current tag answers 304 (RFC 9110 §13.1.2);
 * - only GET/HEAD for the issuer's own origin and without an Origin header are cached: the
 *   provider's documents carry absolute URLs built from `ctx.href` (which http/issuer-origin.ts
 *   pins to the issuer; without it, the Host header would choose them), and its CORS answer
 *   depends on Origin, so anything else goes to the provider unchanged.
 */
import { createHash } from 'node:crypto';
import type { Middleware } from 'koa';

/**
 * The server's metadata at its two addresses: OpenID Connect Discovery 1.0 §4 and RFC 8414 §3
 * (OAuth 2.0 clients such as MCP's look only there). The provider answers both with one document;
 * everything that decorates it (branding, the scopes listed) takes this list, so they cannot drift.
 * The issuer has no path (every route is served from the root), so RFC 8414 §3's path-insertion
 * form is the same address.
 */
export const METADATA_PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'] as const;

export const DOCUMENT_PATHS = [...METADATA_PATHS, '/jwks'] as const;
/** Short enough that a relying party sees new keys soon after a rotation; ETags make re-checks cheap. */
export const DOCUMENT_MAX_AGE_SECONDS = 60;

interface Document {
  body: string;
  etag: string;
  contentType: string;
}

function matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

export function providerDocuments(deps: {
  issuer: string;
  current(): object;
  paths?: readonly string[];
  maxAgeSeconds?: number;
  /** Part of the cache key: a body decorated after the provider (branding links) per value. */
  variant?: () => string;
}): Middleware {
  const paths = new Set<string>(deps.paths ?? DOCUMENT_PATHS);
  const prefix = `${new URL(deps.issuer).origin}/`;
  const cacheControl = `public, max-age=${deps.maxAgeSeconds ?? DOCUMENT_MAX_AGE_SECONDS}`;
  const byProvider = new WeakMap<object, Map<string, Document>>();

  return async (ctx, next) => {
    if ((ctx.method !== 'GET' && ctx.method !== 'HEAD') || !paths.has(ctx.path) || ctx.get('Origin') || !ctx.href.startsWith(prefix)) {
      await next();
      return;
    }
    const provider = deps.current();
    let documents = byProvider.get(provider);
    const key = deps.variant ? `${ctx.path}\n${deps.variant()}` : ctx.path;
    let document = documents?.get(key);
    if (!document) {
      await next();
      if (ctx.status !== 200 || ctx.body === undefined || ctx.body === null) return;
      const body = typeof ctx.body === 'string' ? ctx.body : JSON.stringify(ctx.body);
      document = {
        body,
        etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
        contentType: ctx.response.get('Content-Type') || 'application/json; charset=utf-8',
      };
      if (!documents) byProvider.set(provider, (documents = new Map<string, Document>()));
      // One body per path: a new variant replaces the old one, so changes cannot pile up.
      for (const old of documents.keys()) if (old.split('\n')[0] === ctx.path) documents.delete(old);
      documents.set(key, document);
    }
    // The same route label the provider's answer gets (a fixed path: the label set stays bounded).
    ctx.state.route = ctx.path;
    ctx.set('ETag', document.etag);
    ctx.set('Cache-Control', cacheControl);
    if (matches(ctx.get('If-None-Match'), document.etag)) {
      ctx.status = 304;
      ctx.body = null;
      return;
    }
    ctx.status = 200;
    ctx.set('Content-Type', document.contentType);
    ctx.body = document.body;
  };
}
