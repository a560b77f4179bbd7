/**
 * `portcullis users create|invite|reset-password|reset-mfa|verify-email|export|delete`: an
 * account's life as an administrator runs it (issue 14). The server owns every rule and writes
 * the audit events; the CLI validates its flags, asks before deleting, and prints.
 * - No command shows or accepts a password: `create` makes an account without one, `invite` and
 *   `reset-password` have the server mail a single-use link to the person, never to the CLI.
 * - `delete` asks on a terminal; without one it needs --yes, like `clients delete`.
 * - `export` always prints JSON: it is the person's data, for them or for a file.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  MAIL_LOCALES,
  createdUserSchema,
  deletedUserSchema,
  linkSentSchema,
  mfaResetSchema,
  userExportSchema,
  userViewSchema,
  type CreateUserInput,
} from '@portcullis/contract';
import { CliError, usageError } from '../cli.error.js';
import { parseOrThrow } from '../validate.js';
import { printJson, printLine, safe } from '../output.js';
import { emit, segment, withJsonOption, type CommandContext } from './command-context.js';

const localeFlag = z.enum(MAIL_LOCALES, { error: `--locale must be one of ${MAIL_LOCALES.join(', ')}` }).optional();
const nameFlag = z.string().trim().min(1, '--name must not be empty').max(200, '--name must be at most 200 characters').optional();

const withLocale = (command: Command) => command.option('--locale <lang>', `language of the mailed message (${MAIL_LOCALES.join(', ')}; default en)`);

/** Adds the lifecycle subcommands to `users`. */
export function addUserLifecycleCommands(users: Command, ctx: CommandContext): void {
  const out = ctx.io.stdout;

  withLocale(withJsonOption(users.command('create')))
    .description('create an account without a password: it cannot sign in until a set-password link is used')
    .argument('<email>', 'e-mail address of the new account')
    .option('--name <name>', 'display name')
    .option('--send-invite', 'mail a set-password link to the address now')
    .action(async (email: string, flags: { name?: string; sendInvite?: boolean; locale?: string }, cmd: Command) => {
      const locale = parseOrThrow(localeFlag, flags.locale);
      const name = parseOrThrow(nameFlag, flags.name);
      const body: CreateUserInput = { email, ...(name !== undefined && { name }), send_invite: flags.sendInvite === true, ...(locale && { locale }) };
      const admin = await ctx.connect(cmd);
      const created = await admin.request({ method: 'POST', path: '/admin/users', body, schema: createdUserSchema });
      emit(ctx, cmd, created, () => {
        printLine(out, `Created ${safe(created.user.email)} (${created.user.id}) without a password.`);
        printLine(out, created.invited ? 'A set-password link was mailed to the address.' : `It cannot sign in until a set-password link is used: portcullis users invite ${safe(created.user.email)}`);
      });
    });

  for (const [name, purpose] of [['invite', 'invite'], ['reset-password', 'reset']] as const) {
    withLocale(withJsonOption(users.command(name)))
      .description(purpose === 'invite'
        ? 'mail a set-password link (an account without a password, or one that never signed in)'
        : 'mail a password reset link to the user (the password is never shown or typed here)')
      .argument('<email-or-id>', 'e-mail address or user id')
      .action(async (who: string, flags: { locale?: string }, cmd: Command) => {
        const locale = parseOrThrow(localeFlag, flags.locale);
        const admin = await ctx.connect(cmd);
        const sent = await admin.request({ method: 'POST', path: `/admin/users/${segment(who)}/${name}`, body: locale ? { locale } : {}, schema: linkSentSchema });
        emit(ctx, cmd, sent, () => printLine(out, `Mailed a ${purpose === 'invite' ? 'set-password' : 'password reset'} link to ${safe(sent.user.email)}.`));
      });
  }

  withJsonOption(users.command('reset-mfa'))
    .description('remove the authenticator app, recovery codes and passkeys, end every session and revoke every grant')
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const reset = await admin.request({ method: 'POST', path: `/admin/users/${segment(who)}/reset-mfa`, schema: mfaResetSchema });
      emit(ctx, cmd, reset, () => {
        const removed = [...(reset.totp_removed ? ['the authenticator app and its recovery codes'] : []), ...(reset.passkeys_removed > 0 ? [`${reset.passkeys_removed} passkey(s)`] : [])];
        printLine(out, `Removed ${removed.length > 0 ? removed.join(' and ') : 'no second factor (none was set up)'} of ${safe(reset.user.email)}.`);
        printLine(out, `Ended ${reset.sessions_ended} session(s) and revoked ${reset.grants_revoked} grant(s). The user signs in with the password alone and can set up a second factor again.`);
      });
    });

  withJsonOption(users.command('verify-email'))
    .description("mark a user's e-mail address as verified")
    .argument('<email-or-id>', 'e-mail address or user id')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const user = await admin.request({ method: 'POST', path: `/admin/users/${segment(who)}/verify-email`, schema: userViewSchema });
      emit(ctx, cmd, user, () => printLine(out, `The e-mail address ${safe(user.email)} is now verified.`));
    });

  users
    .command('export')
    .description('print everything stored about a user as JSON (secrets left out)')
    .argument('<email-or-id>', 'e-mail address or user id')
    .option('--json', 'the same JSON (export always prints JSON)')
    .action(async (who: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      printJson(out, await admin.request({ method: 'GET', path: `/admin/users/${segment(who)}/export`, schema: userExportSchema }));
    });

  withJsonOption(users.command('delete'))
    .description('delete an account with its sessions, grants, consents and second factors (asks first on a terminal)')
    .argument('<email-or-id>', 'e-mail address or user id')
    .option('--yes', 'delete without asking (for scripts)')
    .action(async (who: string, flags: { yes?: boolean }, cmd: Command) => {
      // No one to ask and no --yes: refuse before any request, rather than delete unasked.
      if (flags.yes !== true && ctx.io.confirm === undefined) {
        throw usageError(`not deleting ${who} without confirmation: pass --yes (no terminal to ask on)`);
      }
      const admin = await ctx.connect(cmd);
      if (flags.yes !== true) {
        const user = await admin.request({ method: 'GET', path: `/admin/users/${segment(who)}`, schema: userViewSchema });
        const question = `Delete the account ${safe(user.email)} (${user.id})? Its sessions, grants, consents and second factors go; the audit log keeps its id only.`;
        if (!(await ctx.io.confirm!(question))) throw new CliError('cli.cancelled', `user ${who} was not deleted`);
      }
      const deleted = await admin.request({ method: 'DELETE', path: `/admin/users/${segment(who)}`, schema: deletedUserSchema });
      emit(ctx, cmd, deleted, () => printLine(out, `Deleted user ${safe(who)} (${deleted.id}): ended ${deleted.sessions_ended} session(s) and revoked ${deleted.grants_revoked} grant(s).`));
    });
}
