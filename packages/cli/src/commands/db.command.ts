/** `portcullis db migrate`: ask the running server to apply pending migrations (the CLI never opens the database). */
import type { Command } from 'commander';
import { migrateResultSchema } from '@portcullis/contract';
import { printLine, printTable, safe } from '../output.js';
import { emit, withJsonOption, type CommandContext } from './command-context.js';

/** Adds `db` and its subcommands to `program`, inheriting its output and exit settings. */
export function addDbCommand(program: Command, ctx: CommandContext): void {
  const db = program.command('db').description('database maintenance through the server');
  const out = ctx.io.stdout;

  withJsonOption(db.command('migrate'))
    .description('apply pending database migrations')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const result = await admin.request({ method: 'POST', path: '/admin/db/migrate', schema: migrateResultSchema });
      emit(ctx, cmd, result, () => {
        if (result.applied.length === 0) printLine(out, 'The database is up to date; no migrations applied.');
        else printLine(out, `Applied ${result.applied.length} migration(s): ${result.applied.map(safe).join(', ')}`);
        if (result.migrations.length > 0) {
          printLine(out, '');
          printTable(out, result.migrations, [
            { header: 'MIGRATION', value: (m) => m.name },
            { header: 'EXECUTED', value: (m) => m.executed_at ?? 'pending' },
          ]);
        }
      });
    });

}
