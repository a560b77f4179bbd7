/**
 * `portcullis keys ...`: the provider's signing keys. Rotation makes a new key active; retired keys
 * stay published in the JWKS until `publish_until`, so tokens they signed keep verifying.
 */
import type { Command } from 'commander';
import { signingKeyListSchema, type SigningKeyView } from '@portcullis/contract';
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

/** Adds `keys` and its subcommands to `program`, inheriting its output and exit settings. */
export function addKeysCommand(program: Command, ctx: CommandContext): void {
  const keys = program.command('keys').description('inspect and rotate signing keys');
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

}
