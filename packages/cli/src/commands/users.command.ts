/**
 * `portcullis users ...`: look accounts up and switch them off or on, list and end their
 * sessions, list and withdraw the applications they allowed (consents); creating, inviting,
 * resetting, exporting and deleting are in users-lifecycle.command.ts.
 * A user is addressed by id or e-mail; the server tells them apart, the CLI only URL-encodes.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  LIST_LIMIT_MAX,
  consentListSchema,
  revokedConsentSchema,
  revokedSessionsSchema,
  sessionListSchema,
  userDetailViewSchema,
  userListSchema,
  userViewSchema,
  type ConsentView,
  type SessionView,
  type UserDetailView,
  type UserView,
} from '@portcullis/contract';
import { parseOrThrow } from '../validate.js';
import type { Writer } from '../io.js';
import { printBlock, printLine, printTable, safe, type BlockValue } from '../output.js';
import { emit, segment, withJsonOption, type CommandContext } from './command-context.js';
import { addUserLifecycleCommands } from './users-lifecycle.command.js';

const LIMIT_RANGE = `--limit must be 1-${LIST_LIMIT_MAX}`;

const pageFlagsSchema = z.object({
  // The server's own bound (@portcullis/contract), so a too-large page fails here, not there.
  limit: z.coerce.number({ error: '--limit must be a whole number' }).int('--limit must be a whole number').min(1, LIMIT_RANGE).max(LIST_LIMIT_MAX, LIMIT_RANGE).optional(),
  offset: z.coerce.number({ error: '--offset must be a whole number' }).int('--offset must be a whole number').min(0, '--offset must not be negative').optional(),
});

function parsePageFlags(flags: Record<string, unknown>): z.output<typeof pageFlagsSchema> {
  return parseOrThrow(pageFlagsSchema, { limit: flags.limit, offset: flags.offset });
}

function userPairs(user: UserView): [string, BlockValue][] {
  return [
    ['ID', user.id],
    ['E-mail', user.email],
    ['Name', user.name],
    ['E-mail verified', user.email_verified],
    ['Disabled', user.disabled],
    ['Created', user.created_at],
  ];
}

function printUser(out: Writer, user: UserView): void {
  printBlock(out, userPairs(user));
}

/** The lockout line: "no", or until when and for which kind of guess. */
function lockoutText(lockout: UserDetailView['lockout']): string {
  const parts = [
    ...(lockout.password_until === null ? [] : [`passwords until ${lockout.password_until}`]),
    ...(lockout.code_until === null ? [] : [`codes until ${lockout.code_until}`]),
  ];
  return parts.length === 0 ? 'no' : `${parts.join(', ')} (users unlock clears it)`;
}

function printUserDetail(out: Writer, user: UserDetailView): void {
  printBlock(out, [
    ...userPairs(user),
    ['Authenticator app', user.mfa.totp ? `on, ${user.mfa.recovery_codes_left} recovery code(s) left` : 'off'],
    ['Passkeys', user.mfa.passkeys === 0 ? 'none' : String(user.mfa.passkeys)],
    ['Last sign-in', user.last_sign_in_at ?? 'none recorded'],
    ['Locked out', lockoutText(user.lockout)],
  ]);
}

function printUserList(out: Writer, users: readonly UserView[]): void {
  if (users.length === 0) {
    printLine(out, 'No users.');
    return;
  }
  printTable(out, users, [
    { header: 'ID', value: (u) => u.id },
    { header: 'E-MAIL', value: (u) => u.email },
    { header: 'NAME', value: (u) => u.name },
    { header: 'VERIFIED', value: (u) => u.email_verified },
    { header: 'DISABLED', value: (u) => u.disabled },
    { header: 'CREATED', value: (u) => u.created_at },
  ]);
}

function printSessions(out: Writer, sessions: readonly SessionView[]): void {
  if (sessions.length === 0) {
    printLine(out, 'No active sessions.');
    return;
  }
  printTable(out, sessions, [
    { header: 'SESSION', value: (s) => s.handle },
    { header: 'SIGNED IN', value: (s) => s.signed_in_at },
    { header: 'LAST SEEN', value: (s) => s.last_seen_at },
    { header: 'ADDRESS', value: (s) => s.last_ip ?? s.ip },
    { header: 'CLIENTS', value: (s) => s.clients.join(',') },
    { header: 'USER AGENT', value: (s) => s.user_agent },
  ]);
}

function printConsents(out: Writer, consents: readonly ConsentView[]): void {
  if (consents.length === 0) {
    printLine(out, 'No connected apps.');
    return;
  }
  printTable(out, consents, [
    { header: 'CLIENT ID', value: (c) => c.client_id },
    { header: 'NAME', value: (c) => c.client_name },
    { header: 'SCOPES', value: (c) => c.scopes.join(' ') },
    { header: 'SINCE', value: (c) => c.since },
  ]);
}

/** Adds `users` and its subcommands to `program`, inheriting its output and exit settings. */
export function addUsersCommand(program: Command, ctx: CommandContext): void {
  const users = program.command('users').description('create, invite, look up, disable, enable, unlock, reset, export and delete user accounts');
  const out = ctx.io.stdout;

  withJsonOption(users.command('list'))
    .description('list users, a page at a time')
    .option('--limit <n>', `how many users to return (default 100, up to ${LIST_LIMIT_MAX})`)
    .option('--offset <m>', 'how many users to skip')
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      const query = parsePageFlags(flags);
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: '/admin/users', query, schema: userListSchema });
      emit(ctx, cmd, list, () => printUserList(out, list.users));
    });

  withJsonOption(users.command('show'))
    .description('show one user: two-step verification, last sign-in and lockout included')
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const user = await admin.request({ method: 'GET', path: `/admin/users/${segment(who)}`, schema: userDetailViewSchema });
      emit(ctx, cmd, user, () => printUserDetail(out, user));
    });

  for (const action of ['disable', 'enable'] as const) {
    withJsonOption(users.command(action))
      .description(action === 'disable' ? 'stop a user from signing in' : 'let a disabled user sign in again')
      .argument('<email-or-id>', 'e-mail address or user id')
      .action(async (who: string, _flags: unknown, cmd: Command) => {
        const admin = await ctx.connect(cmd);
        const path = `/admin/users/${segment(who)}/${action}`;
        const user = await admin.request({ method: 'POST', path, schema: userViewSchema });
        emit(ctx, cmd, user, () => {
          printLine(out, `User ${safe(user.email)} is now ${user.disabled ? 'disabled' : 'enabled'}.`);
          printUser(out, user);
        });
      });
  }

  withJsonOption(users.command('sessions'))
    .description("list a user's active sessions")
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: `/admin/users/${segment(who)}/sessions`, schema: sessionListSchema });
      emit(ctx, cmd, list, () => printSessions(out, list.sessions));
    });

  withJsonOption(users.command('revoke-sessions'))
    .description("end every session of a user and revoke their refresh tokens (applications are told by back-channel logout)")
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const result = await admin.request({ method: 'POST', path: `/admin/users/${segment(who)}/revoke-sessions`, schema: revokedSessionsSchema });
      emit(ctx, cmd, result, () => printLine(out, `Ended ${result.sessions_ended} session(s) and revoked ${result.grants_revoked} grant(s) of ${safe(who)}.`));
    });

  withJsonOption(users.command('consents'))
    .description('list the applications a user allowed (connected apps) and what each may access')
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: `/admin/users/${segment(who)}/consents`, schema: consentListSchema });
      emit(ctx, cmd, list, () => printConsents(out, list.consents));
    });

  withJsonOption(users.command('revoke-consent'))
    .description("withdraw a user's consent to one application and revoke its access and refresh tokens for that user")
    .argument('<email-or-id>', 'e-mail address or user id')
    .argument('<client-id>', 'client id of the application')
    .action(async (who: string, clientId: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const path = `/admin/users/${segment(who)}/consents/${segment(clientId)}`;
      const result = await admin.request({ method: 'DELETE', path, schema: revokedConsentSchema });
      emit(ctx, cmd, result, () => printLine(out, `Removed the access of ${safe(clientId)} to ${safe(who)}: ${result.consent_revoked ? 'consent withdrawn' : 'no consent was stored'}, ${result.grants_revoked} grant(s) revoked.`));
    });

  withJsonOption(users.command('unlock'))
    .description('clear a brute-force lockout: failed passwords and codes of this user, from every address')
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const user = await admin.request({ method: 'POST', path: `/admin/users/${segment(who)}/unlock`, schema: userViewSchema });
      emit(ctx, cmd, user, () => printLine(out, `User ${safe(user.email)} is unlocked: failed sign-in attempts are forgotten.`));
    });

  addUserLifecycleCommands(users, ctx);
}
