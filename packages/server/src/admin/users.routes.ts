/**
 * Admin API: users. Disabling takes effect at once for sign-in (credentials are read from the
 * primary) and for token refresh and userinfo (findAccount refuses disabled accounts).
 */
import Router from '@koa/router';
import { z } from 'zod';
import type { Account, AccountRepository } from '@portcullis/db';
import { AppError } from '../http/app-error.js';
import { normalizeEmail } from '../accounts/email.js';

const listQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export function toUserView(account: Account) {
  return {
    id: account.id,
    email: account.email,
    name: account.name,
    email_verified: account.emailVerified,
    disabled: account.disabled,
    created_at: account.createdAt.toISOString(),
  };
}

export function userAdminRoutes(accounts: AccountRepository): Router {
  const router = new Router({ prefix: '/admin/users' });
  const find = async (idOrEmail: string): Promise<Account> => {
    // No id or email holds U+0000, and PostgreSQL cannot even compare one: not found, not a 500.
    if (idOrEmail.includes('\u0000')) throw new AppError('user.not_found');
    const found = idOrEmail.includes('@') ? await accounts.findByEmail(normalizeEmail(idOrEmail)) : await accounts.findById(idOrEmail);
    if (!found) throw new AppError('user.not_found');
    return found;
  };
  const setDisabled = async (idOrEmail: string, disabled: boolean) => {
    const account = await find(idOrEmail);
    const updated = await accounts.setDisabled(account.id, disabled);
    if (!updated) throw new AppError('user.not_found');
    return toUserView(updated);
  };

  router.get('/', async (ctx) => {
    const query = listQuery.safeParse(ctx.query);
    if (!query.success) throw new AppError('admin.invalid', 'limit must be 1-1000 and offset a non-negative number');
    ctx.body = { users: (await accounts.list(query.data)).map(toUserView) };
  });
  router.get('/:idOrEmail', async (ctx) => {
    ctx.body = toUserView(await find(ctx.params.idOrEmail!));
  });
  router.post('/:idOrEmail/disable', async (ctx) => {
    ctx.body = await setDisabled(ctx.params.idOrEmail!, true);
  });
  router.post('/:idOrEmail/enable', async (ctx) => {
    ctx.body = await setDisabled(ctx.params.idOrEmail!, false);
  });
  return router;
}
