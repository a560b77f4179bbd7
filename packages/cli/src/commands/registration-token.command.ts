/**
 * `portcullis clients registration-token create|list|revoke`: initial access tokens for dynamic
 * client registration (RFC 7591 §3; the server needs DYNAMIC_REGISTRATION=token or open-native).
 * A token is shown once, by create; the server keeps only a hash of it.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { parseDuration, REGISTRATION_TOKEN_MAX_USES, registrationTokenListSchema, registrationTokenViewSchema, type RegistrationTokenView } from '@portcullis/contract';
import { usageError } from '../cli.error.js';
import type { Writer } from '../io.js';
import { printBlock, printLine, printTable, safe } from '../output.js';
import { emit, segment, withJsonOption, type CommandContext } from './command-context.js';

/** `--expires 30m|12h|7d` in seconds (a minute to a year); `--max-uses` a whole number. */
export function parseTokenFlags(flags: { expires?: string; maxUses?: string }): { expires_in?: number; max_uses?: number } {
  const body: { expires_in?: number; max_uses?: number } = {};
  if (flags.expires !== undefined) {
    const ms = parseDuration(flags.expires);
    if (ms === undefined) throw usageError(`--expires "${flags.expires}": use a count and a unit, e.g. 30m, 12h or 7d (at most a year)`);
    body.expires_in = ms / 1000;
  }
  if (flags.maxUses !== undefined) {
    const uses = Number(flags.maxUses);
    if (!/^\d+$/.test(flags.maxUses) || uses < 1 || uses > REGISTRATION_TOKEN_MAX_USES) throw usageError(`--max-uses "${flags.maxUses}": a whole number from 1 to ${REGISTRATION_TOKEN_MAX_USES}`);
    body.max_uses = uses;
  }
  return body;
}

function printToken(out: Writer, token: RegistrationTokenView): void {
  printBlock(out, [
    ['ID', token.id],
    ['State', token.state],
    ['Expires', token.expires_at],
    ['Uses', token.max_uses === null ? `${token.uses} (no limit)` : `${token.uses} of ${token.max_uses}`],
    ['Created', token.created_at],
    ...(token.token === undefined ? [] : [['Token', token.token] as const]),
  ]);
  if (token.token !== undefined) {
    printLine(out, '');
    printLine(out, 'The token is shown only once: hand it to the client that registers (Authorization: Bearer).');
    printLine(out, `\`portcullis clients registration-token revoke ${safe(token.id)}\` withdraws it.`);
  }
}

export function addRegistrationTokenCommand(clients: Command, ctx: CommandContext): void {
  const tokens = clients.command('registration-token').description('initial access tokens for dynamic client registration (RFC 7591)');
  const out = ctx.io.stdout;

  withJsonOption(tokens.command('create'))
    .description('create a token (shown once)')
    .option('--expires <duration>', 'how long it lives: 30m, 12h, 7d (default 1d)')
    .option('--max-uses <n>', 'how many clients it may register (default: any number until it expires)')
    .action(async (flags: { expires?: string; maxUses?: string }, cmd: Command) => {
      const body = parseTokenFlags(flags);
      const admin = await ctx.connect(cmd);
      const token = await admin.request({ method: 'POST', path: '/admin/registration-tokens', body, schema: registrationTokenViewSchema });
      emit(ctx, cmd, token, () => printToken(out, token));
    });

  withJsonOption(tokens.command('list'))
    .description('list tokens (never the tokens themselves)')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: '/admin/registration-tokens', schema: registrationTokenListSchema });
      emit(ctx, cmd, list, () => {
        if (list.tokens.length === 0) return printLine(out, 'No registration tokens.');
        printTable(out, list.tokens, [
          { header: 'ID', value: (t) => t.id },
          { header: 'STATE', value: (t) => t.state },
          { header: 'USES', value: (t) => (t.max_uses === null ? String(t.uses) : `${t.uses}/${t.max_uses}`) },
          { header: 'EXPIRES', value: (t) => t.expires_at },
        ]);
      });
    });

  withJsonOption(tokens.command('revoke'))
    .description('revoke a token: it registers no more clients (those it registered stay)')
    .argument('<id>', 'token id (from list)')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      await admin.request({ method: 'DELETE', path: `/admin/registration-tokens/${segment(id)}`, schema: z.unknown() });
      emit(ctx, cmd, { revoked: id }, () => printLine(out, `Revoked registration token ${safe(id)}.`));
    });
}
