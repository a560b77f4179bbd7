/**
 * `portcullis audit [--user EMAIL_OR_ID] [--since DURATION] [--limit N] [--json]`: the audit log,
 * newest first. DURATION is a count and a unit, `15m`, `24h` or `7d`; flags are checked here,
 * so a bad one exits 2 without a request.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { auditListSchema, DURATION_PATTERN, LIST_LIMIT_MAX, type AuditEventView } from '@portcullis/contract';
import { parseOrThrow } from '../validate.js';
import type { Writer } from '../io.js';
import { printLine, printTable } from '../output.js';
import { emit, withJsonOption, type CommandContext } from './command-context.js';

const LIMIT_RANGE = `--limit must be 1-${LIST_LIMIT_MAX}`;

const flagsSchema = z.object({
  user: z.string().min(1, '--user must be an e-mail address or an account id').max(320, '--user is too long').optional(),
  // The shape only: a window the server finds too long (over a year) is its to refuse.
  since: z.string().regex(DURATION_PATTERN, '--since must be a number and a unit, such as 15m, 24h or 7d').optional(),
  limit: z.coerce.number({ error: '--limit must be a whole number' }).int('--limit must be a whole number').min(1, LIMIT_RANGE).max(LIST_LIMIT_MAX, LIMIT_RANGE).optional(),
});

/** The detail object as `key=value` pairs, short enough for a table cell. */
function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
}

function printEvents(out: Writer, events: readonly AuditEventView[]): void {
  if (events.length === 0) {
    printLine(out, 'No audit events.');
    return;
  }
  printTable(out, events, [
    { header: 'TIME', value: (e) => e.time },
    { header: 'TYPE', value: (e) => e.type },
    { header: 'OUTCOME', value: (e) => e.outcome },
    { header: 'USER', value: (e) => e.email ?? e.account_id },
    { header: 'CLIENT', value: (e) => e.client_id },
    { header: 'IP', value: (e) => e.ip },
    { header: 'DETAIL', value: (e) => describeDetail(e.detail) },
  ]);
}

/** Adds `audit` to `program`, inheriting its output and exit settings. */
export function addAuditCommand(program: Command, ctx: CommandContext): void {
  withJsonOption(program.command('audit'))
    .description('show the audit log, newest first')
    .option('--user <email-or-id>', 'only events of this user: an e-mail address or an account id')
    .option('--since <duration>', 'only events this recent: 15m, 24h, 7d')
    .option('--limit <n>', 'at most this many events (default 100, up to 1000)')
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      const query = parseOrThrow(flagsSchema, { user: flags.user, since: flags.since, limit: flags.limit });
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: '/admin/audit', query, schema: auditListSchema });
      emit(ctx, cmd, list, () => printEvents(ctx.io.stdout, list.events));
    });
}
