/**
 * Serves the stylesheet and the scripts from memory: each file read once at start, cached by
 * browsers for a day with an ETag. No third-party assets anywhere (SECURITY.md R12): the WebAuthn
 * library's browser bundle is read from the installed package and served from this origin.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import type { Middleware } from 'koa';
import type { FeatureModule } from './feature-module.js';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` };
}

function load(file: string, type: string): Asset {
  return asset(readFileSync(new URL(`../views/assets/${file}`, import.meta.url)), type);
}

/** @simplewebauthn/browser's UMD bundle (global `SimpleWebAuthnBrowser`), from the installed package. */
function webauthnBundle(): Asset {
  const require = createRequire(import.meta.url);
  const main = require.resolve('@simplewebauthn/browser');
  const bundle = new URL('../dist/bundle/index.umd.min.js', pathToFileURL(main));
  return asset(readFileSync(bundle), 'text/javascript; charset=utf-8');
}

export function assets(): Middleware {
  const files = new Map<string, Asset>([
    ['/assets/portcullis.css', load('portcullis.css', 'text/css; charset=utf-8')],
    ['/assets/portcullis.js', load('portcullis.js', 'text/javascript; charset=utf-8')],
    ['/assets/passkeys.js', load('passkeys.js', 'text/javascript; charset=utf-8')],
    ['/assets/webauthn.js', webauthnBundle()],
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
