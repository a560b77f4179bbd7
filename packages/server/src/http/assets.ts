/**
 * Serves the stylesheet and the script from memory: each file read once at start, cached by
 * browsers for a day with an ETag. No third-party assets anywhere (SECURITY.md R12).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Middleware } from 'koa';
import type { FeatureModule } from './feature-module.js';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function load(file: string, type: string): Asset {
  const body = readFileSync(new URL(`../views/assets/${file}`, import.meta.url));
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

export function assets(): Middleware {
  const files = new Map<string, Asset>([
    ['/assets/portcullis.css', load('portcullis.css', 'text/css; charset=utf-8')],
    ['/assets/portcullis.js', load('portcullis.js', 'text/javascript; charset=utf-8')],
  ]);
  return async (ctx, next) => {
    const asset = files.get(ctx.path);
    if (!asset || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) {
      await next();
      return;
    }
    ctx.set('ETag', asset.etag);
    ctx.set('Cache-Control', 'public, max-age=86400');
    if (ctx.get('If-None-Match') === asset.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = asset.type;
    ctx.body = asset.body;
  };
}

/** The stylesheet and script as a feature of the public listener: everything under `/assets` is ours. */
export const assetsModule = (): FeatureModule => ({ prefix: '/assets', routes: assets() });
