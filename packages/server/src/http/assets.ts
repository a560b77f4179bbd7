/**
 * Serves the stylesheet from memory: one file, read once at start, cached by browsers for a
 * day with an ETag. No third-party assets anywhere (SECURITY.md R12).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';
import type { FeatureModule } from './feature-module.js';

export function assets(): Middleware {
  const css = readFileSync(new URL('../views/assets/portcullis.css', import.meta.url));
  const etag = `"${createHash('sha256').update(css).digest('base64url').slice(0, 16)}"`;
  return async (ctx, next) => {
    if (ctx.path !== '/assets/portcullis.css' || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
      await next();
      return;
    }
    ctx.set('ETag', etag);
    ctx.set('Cache-Control', 'public, max-age=86400');
    if (ctx.get('If-None-Match') === etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'text/css; charset=utf-8';
    ctx.body = css;
  };
}

/** The stylesheet as a feature of the public listener: everything under `/assets` is ours. */
export const assetsModule = (): FeatureModule => ({ prefix: '/assets', routes: assets() });
