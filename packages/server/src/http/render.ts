/** Writes a rendered page with its status; pages are never cached (they carry CSRF tokens). */
import type { Context } from 'koa';
import { renderDocument, type SafeHtml } from './html.js';

export function sendPage(ctx: Context, status: number, page: SafeHtml): void {
  ctx.status = status;
  ctx.type = 'html';
  ctx.set('Cache-Control', 'no-store');
  ctx.body = renderDocument(page);
}
