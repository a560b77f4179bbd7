/** Bearer-token check for the admin listener, compared in constant time. */
import type { Middleware } from 'koa';
import { constantTimeEqual } from '../crypto/constant-time.js';
import { AppError } from '../http/app-error.js';

export function requireAdminToken(token: string): Middleware {
  return async (ctx, next) => {
    const header = ctx.get('Authorization');
    const match = /^Bearer ([^\s]+)$/i.exec(header);
    if (!match || !constantTimeEqual(match[1]!, token)) {
      ctx.set('WWW-Authenticate', 'Bearer realm="portcullis-admin"');
      throw new AppError('admin.unauthorized');
    }
    await next();
  };
}
