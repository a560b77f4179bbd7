/**
 * `portcullis keys ...`: the provider's signing keys. Rotation makes a new key active; retired keys
 * stay published in the JWKS until `publish_until`, so tokens they signed keep verifying.
 */
import type { Command } from 'commander';
import { resealReportSchema, signingKeyListSchema, type ResealReport, type SigningKeyView } from '@portcullis/contract';
import { CliError } from '../cli.error.js';
import type { Writer } from '../io.js';
import { printLine, printTable } from '../output.js';
import { emit, withJsonOption, type CommandContext } from './command-context.js';

function printKeys(out: Writer, keys: readonly SigningKeyView[]): void {
  if (keys.length === 0) {
    printLine(out, 'No signing keys.');
    return;
  }
  printTable(out, keys, [
    { header: 'KID', value: (k) => k.kid },
    { header: 'ALG', value: (k) => k.alg },
    { header: 'STATUS', value: (k) => k.status },
    { header: 'CREATED', value: (k) => k.created_at },
    { header: 'RETIRED', value: (k) => k.retired_at },
    { header: 'PUBLISHED UNTIL', value: (k) => k.publish_until },
  ]);
}

function printReseal(out: Writer, report: ResealReport): void {
  printTable(out, (['client_secret', 'signing_key', 'totp_seed', 'mail_params'] as const).map((kind) => [kind, report[kind]] as const), [
    { header: 'SEALED', value: ([kind]) => kind },
    { header: 'RESEALED', value: ([, c]) => String(c.resealed) },
    { header: 'ALREADY CURRENT', value: ([, c]) => String(c.current) },
    { header: 'UNREADABLE', value: ([, c]) => String(c.unreadable) },
    { header: 'CHANGED MEANWHILE', value: ([, c]) => String(c.changed_meanwhile) },
  ]);
}

/** Adds `keys` and its subcommands to `program`, inheriting its output and exit settings. */
export function addKeysCommand(program: Command, ctx: CommandContext): void {
  const keys = program.command('keys').description('inspect and rotate signing keys; reseal secrets onto a new encryption key');
  const out = ctx.io.stdout;

  withJsonOption(keys.command('list'))
    .description('list signing keys')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: '/admin/keys', schema: signingKeyListSchema });
      emit(ctx, cmd, list, () => printKeys(out, list.keys));
    });

  withJsonOption(keys.command('rotate'))
    .description('create a new active signing key and retire the current one')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'POST', path: '/admin/keys/rotate', schema: signingKeyListSchema });
      emit(ctx, cmd, list, () => {
        printLine(out, 'Rotated. Signing keys now:');
        printKeys(out, list.keys);
      });
    });

  withJsonOption(keys.command('reseal'))
    .description('re-encrypt every secret sealed at rest (client secrets, signing keys, TOTP seeds, queued mail) with the newest ENCRYPTION_KEYS key')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const report = await admin.request({ method: 'POST', path: '/admin/keys/reseal', schema: resealReportSchema });
      emit(ctx, cmd, report, () => printReseal(out, report));
      const unreadable = report.client_secret.unreadable + report.signing_key.unreadable + report.totp_seed.unreadable + report.mail_params.unreadable;
      // Nothing may leave the ring while a value still needs it: say so, and exit non-zero.
      if (unreadable > 0) throw new CliError('cli.incomplete', `${unreadable} sealed value(s) open with no key of the ring; keep the old keys until this is understood`);
    });

}
