/**
 * `portcullis clients ...`: register, inspect, change and remove OAuth clients.
 * Input is validated locally (validate.ts) before any request; the server validates again.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { clientListSchema, clientViewSchema } from '@portcullis/contract';
import { CliError, usageError } from '../cli.error.js';
import { printLine, safe } from '../output.js';
import { parseCreateFlags, parseUpdateFlags } from '../validate.js';
import { addClientOptions } from './client-options.js';
import { printClient, printClientList } from './client.view.js';
import { emit, segment, withJsonOption, type CommandContext } from './command-context.js';
import { addRegistrationTokenCommand } from './registration-token.command.js';

/** Adds `clients` and its subcommands to `program`, inheriting its output and exit settings. */
export function addClientsCommand(program: Command, ctx: CommandContext): void {
  const clients = program.command('clients').description('manage OAuth clients');
  const out = ctx.io.stdout;

  withJsonOption(addClientOptions(clients.command('create'), 'create'))
    .description('register a client (a confidential client gets a secret, shown once)')
    .action(async (flags: Record<string, unknown>, cmd: Command) => {
      const body = parseCreateFlags(flags);
      const admin = await ctx.connect(cmd);
      const client = await admin.request({ method: 'POST', path: '/admin/clients', body, schema: clientViewSchema });
      emit(ctx, cmd, client, () => printClient(out, client));
    });

  withJsonOption(clients.command('list'))
    .description('list clients')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: '/admin/clients', schema: clientListSchema });
      emit(ctx, cmd, list, () => printClientList(out, list.clients));
    });

  withJsonOption(clients.command('show'))
    .description('show one client')
    .argument('<id>', 'client id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const client = await admin.request({ method: 'GET', path: `/admin/clients/${segment(id)}`, schema: clientViewSchema });
      emit(ctx, cmd, client, () => printClient(out, client));
    });

  withJsonOption(addClientOptions(clients.command('update'), 'update'))
    .description('change a client; only the flags given are changed')
    .argument('<id>', 'client id')
    .action(async (id: string, flags: Record<string, unknown>, cmd: Command) => {
      const body = parseUpdateFlags(flags);
      const admin = await ctx.connect(cmd);
      const path = `/admin/clients/${segment(id)}`;
      const client = await admin.request({ method: 'PATCH', path, body, schema: clientViewSchema });
      emit(ctx, cmd, client, () => printClient(out, client));
    });

  withJsonOption(clients.command('delete'))
    .description('delete a client, its consents and every token it holds (asks first on a terminal)')
    .argument('<id>', 'client id')
    .option('--yes', 'delete without asking (for scripts)')
    .action(async (id: string, flags: { yes?: boolean }, cmd: Command) => {
      // No one to ask and no --yes: refuse before any request, rather than delete unasked.
      if (flags.yes !== true && ctx.io.confirm === undefined) {
        throw usageError(`not deleting ${id} without confirmation: pass --yes (no terminal to ask on)`);
      }
      const admin = await ctx.connect(cmd);
      if (flags.yes !== true) {
        const client = await admin.request({ method: 'GET', path: `/admin/clients/${segment(id)}`, schema: clientViewSchema });
        const question = `Delete client ${safe(client.client_name)} (${safe(id)})? Its consents go and every token it holds is revoked.`;
        if (!(await ctx.io.confirm!(question))) throw new CliError('cli.cancelled', `client ${id} was not deleted`);
      }
      // 204 by contract; any body the server might add is ignored rather than rejected.
      await admin.request({ method: 'DELETE', path: `/admin/clients/${segment(id)}`, schema: z.unknown() });
      emit(ctx, cmd, { deleted: id }, () => printLine(out, `Deleted client ${safe(id)}.`));
    });

  withJsonOption(clients.command('rotate-secret'))
    .description('issue a new client secret (shown once)')
    .argument('<id>', 'client id')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const path = `/admin/clients/${segment(id)}/rotate-secret`;
      const client = await admin.request({ method: 'POST', path, schema: clientViewSchema });
      emit(ctx, cmd, client, () => printClient(out, client));
    });

  addRegistrationTokenCommand(clients, ctx);
}
