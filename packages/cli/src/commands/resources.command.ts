/**
 * `portcullis resources ...`: the APIs access tokens are issued for (RFC 8707 resource
 * indicators; RFC 9068 JWT access tokens). Flags are checked here with the contract's own
 * schemas before any request (exit 2 naming the problem); the server checks again.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import {
  ACCESS_TOKEN_FORMATS,
  createResourceSchema,
  parseDurationSeconds,
  RESOURCE_TTL_BOUNDS,
  resourceListSchema,
  resourceViewSchema,
  updateResourceSchema,
  type ResourceView,
} from '@portcullis/contract';
import { CliError, usageError } from '../cli.error.js';
import type { Writer } from '../io.js';
import { printBlock, printLine, printTable, safe } from '../output.js';
import { emit, segment, withJsonOption, type CommandContext } from './command-context.js';

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

function addResourceOptions(command: Command, mode: 'create' | 'update'): Command {
  // An update changes only what is given, so it names no defaults.
  const create = mode === 'create';
  const replaces = create ? '' : ' (replaces the list)';
  return command
    .option('--name <name>', `shown on the consent page${create ? ' (default: the identifier)' : ''}`)
    .option('--scope <scope>', `a scope this API defines, e.g. read:items; repeatable${replaces}`, collect)
    .option('--access-token-format <format>', `${ACCESS_TOKEN_FORMATS.join(' or ')} (${create ? 'default jwt: ' : 'jwt: '}verifiable offline; opaque: introspected)`)
    .option('--ttl <duration>', `access token lifetime: 90s, 10m, 1h (${RESOURCE_TTL_BOUNDS.min} s to 24 h${create ? '; default 15m' : ''})`);
}

interface ResourceFlags {
  identifier?: string;
  name?: string;
  scope?: string[];
  accessTokenFormat?: string;
  ttl?: string;
}

function ttlSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDurationSeconds(text);
  if (seconds === undefined) throw usageError(`--ttl: "${safe(text)}" is not a duration (e.g. 90s, 10m, 1h)`);
  return seconds;
}

function bodyOf(flags: ResourceFlags): Record<string, unknown> {
  return {
    ...(flags.identifier !== undefined && { identifier: flags.identifier }),
    ...(flags.name !== undefined && { name: flags.name }),
    ...(flags.scope !== undefined && { scopes: flags.scope }),
    ...(flags.accessTokenFormat !== undefined && { access_token_format: flags.accessTokenFormat }),
    ...(flags.ttl !== undefined && { access_token_ttl: ttlSeconds(flags.ttl) }),
  };
}

/** The contract's schema, its first problem as a usage error. */
function check(schema: z.ZodType, body: Record<string, unknown>): void {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw usageError(parsed.error.issues.map((issue) => issue.message).join('; '));
}

function printResource(out: Writer, resource: ResourceView): void {
  printBlock(out, [
    ['Identifier', resource.identifier],
    ['Name', resource.name],
    ['Scopes', resource.scopes],
    ['Token format', resource.access_token_format],
    ['Token lifetime', `${resource.access_token_ttl} s`],
    ['Created', resource.created_at],
    ['Updated', resource.updated_at],
  ]);
}

function printResourceList(out: Writer, resources: readonly ResourceView[]): void {
  if (resources.length === 0) return printLine(out, 'No resources.');
  printTable(out, resources, [
    { header: 'IDENTIFIER', value: (r) => r.identifier },
    { header: 'NAME', value: (r) => r.name },
    { header: 'SCOPES', value: (r) => r.scopes },
    { header: 'FORMAT', value: (r) => r.access_token_format },
    { header: 'TTL', value: (r) => `${r.access_token_ttl} s` },
  ]);
}

export function addResourcesCommand(program: Command, ctx: CommandContext): void {
  const resources = program.command('resources').description('manage the APIs access tokens are issued for (RFC 8707)');
  const out = ctx.io.stdout;
  const path = (identifier: string) => `/admin/resources/${segment(identifier)}`;

  withJsonOption(addResourceOptions(resources.command('create'), 'create'))
    .description('register an API: a `resource` naming it gets an access token for it alone')
    .requiredOption('--identifier <uri>', 'the API\'s URI, the tokens\' audience: https (http on a loopback host), no query or fragment')
    .action(async (flags: ResourceFlags, cmd: Command) => {
      const body = bodyOf(flags);
      check(createResourceSchema, body);
      const admin = await ctx.connect(cmd);
      const resource = await admin.request({ method: 'POST', path: '/admin/resources', body, schema: resourceViewSchema });
      emit(ctx, cmd, resource, () => printResource(out, resource));
    });

  withJsonOption(resources.command('list'))
    .description('list resources')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const list = await admin.request({ method: 'GET', path: '/admin/resources', schema: resourceListSchema });
      emit(ctx, cmd, list, () => printResourceList(out, list.resources));
    });

  withJsonOption(resources.command('show'))
    .description('show one resource')
    .argument('<identifier>', 'the resource\'s URI')
    .action(async (identifier: string, _flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const resource = await admin.request({ method: 'GET', path: path(identifier), schema: resourceViewSchema });
      emit(ctx, cmd, resource, () => printResource(out, resource));
    });

  withJsonOption(addResourceOptions(resources.command('update'), 'update'))
    .description('change a resource; only the flags given change (tokens already issued keep theirs)')
    .argument('<identifier>', 'the resource\'s URI (it never changes)')
    .action(async (identifier: string, flags: ResourceFlags, cmd: Command) => {
      const body = bodyOf(flags);
      if (Object.keys(body).length === 0) throw usageError('nothing to change: give --name, --scope, --access-token-format or --ttl');
      check(updateResourceSchema, body);
      const admin = await ctx.connect(cmd);
      const resource = await admin.request({ method: 'PATCH', path: path(identifier), body, schema: resourceViewSchema });
      emit(ctx, cmd, resource, () => printResource(out, resource));
    });

  withJsonOption(resources.command('delete'))
    .description('remove a resource: new tokens for it are refused (asks first on a terminal)')
    .argument('<identifier>', 'the resource\'s URI')
    .option('--yes', 'delete without asking (for scripts)')
    .action(async (identifier: string, flags: { yes?: boolean }, cmd: Command) => {
      if (flags.yes !== true && ctx.io.confirm === undefined) {
        throw usageError(`not deleting ${identifier} without confirmation: pass --yes (no terminal to ask on)`);
      }
      const admin = await ctx.connect(cmd);
      if (flags.yes !== true) {
        const question = `Delete resource ${safe(identifier)}? New tokens for it are refused; JWT access tokens already issued stay valid until they expire.`;
        if (!(await ctx.io.confirm!(question))) throw new CliError('cli.cancelled', `resource ${identifier} was not deleted`);
      }
      await admin.request({ method: 'DELETE', path: path(identifier), schema: z.unknown() });
      emit(ctx, cmd, { deleted: identifier }, () => printLine(out, `Deleted resource ${safe(identifier)}.`));
    });
}
