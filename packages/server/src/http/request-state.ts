/** Typed access to what our middleware puts on `ctx.state` (Koa types it as `any`). */
import type { Context } from 'koa';

export function nonceOf(ctx: Pick<Context, 'state'>): string {
  const value: unknown = (ctx.state as Record<string, unknown>).nonce;
  return typeof value === 'string' ? value : '';
}

export function requestIdOf(ctx: Pick<Context, 'state'>): string | undefined {
  const value: unknown = (ctx.state as Record<string, unknown>).requestId;
  return typeof value === 'string' ? value : undefined;
}
