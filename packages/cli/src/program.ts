/**
 * Builds the `portcullis` commander program for one run.
 * - Output goes to the io it is given, never to process.stdout/stderr directly.
 * - exitOverride: commander throws instead of calling process.exit, so runCli owns the exit code.
 *   Both settings are set before any subcommand exists, because commander copies them to
 *   subcommands only when they are created with `.command()`.
 */
import { Command } from 'commander';
import { PORTCULLIS_VERSION } from '@portcullis/contract';
import { createAdminClient, DEFAULT_TIMEOUT_MS } from './admin-client.js';
import { addAuditCommand } from './commands/audit.command.js';
import { addBrandingCommand } from './commands/branding.command.js';
import { addClientsCommand } from './commands/clients.command.js';
import type { CommandContext } from './commands/command-context.js';
import { addDbCommand } from './commands/db.command.js';
import { addKeysCommand } from './commands/keys.command.js';
import { addUsersCommand } from './commands/users.command.js';
import { addResourcesCommand } from './commands/resources.command.js';
import { resolveConnection } from './connection.js';
import type { CliIo } from './io.js';

export interface ProgramOptions {
  /** Per-request timeout for the admin API; tests shorten it. */
  timeoutMs?: number;
}

export function buildProgram(io: CliIo, options: ProgramOptions = {}): Command {
  const program = new Command('portcullis')
    .description('Administer a Portcullis authorization server through its admin API.')
    .version(PORTCULLIS_VERSION, '-V, --version', 'print the Portcullis version')
    .option('--admin-url <url>', 'admin API base URL (default: http://$ADMIN_HOST:$ADMIN_PORT when either is set, then the running embedded server\'s $DATA_DIR/admin.json, then http://127.0.0.1:9464)')
    .option('--token <token>', 'admin API token (default: $ADMIN_TOKEN, then $DATA_DIR/admin.json for that server, then $DATA_DIR/secrets.json); prefer the variable, flags show up in `ps`')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      // Commander's errors may carry a second "(Did you mean ...?)" line; keep every error to one line.
      outputError: (text, write) => write(`portcullis: ${text.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()}\n`),
    });

  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ctx: CommandContext = {
    io,
    connect: async (command) => createAdminClient(await resolveConnection(io, command.optsWithGlobals()), timeoutMs),
  };
  addClientsCommand(program, ctx);
  addUsersCommand(program, ctx);
  addKeysCommand(program, ctx);
  addDbCommand(program, ctx);
  addAuditCommand(program, ctx);
  addBrandingCommand(program, ctx);
  addResourcesCommand(program, ctx);
  return program;
}
