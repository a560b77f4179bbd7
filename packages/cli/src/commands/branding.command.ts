/**
 * `portcullis branding show|set|reset`: what every page shows of the operator. `set` stores the
 * fields given (a stored field wins over the BRAND_* variable of the same name); `reset` forgets
 * every stored field. Each value is checked here by the server's own rule (@portcullis/contract),
 * so a `javascript:` link or a colour that is not `#rrggbb` exits 2 before anything is sent.
 */
import type { Command } from 'commander';
import { brandingFields, brandingViewSchema, type BrandingInput, type BrandingView } from '@portcullis/contract';
import { usageError } from '../cli.error.js';
import type { Writer } from '../io.js';
import { printBlock, printLine } from '../output.js';
import { emit, withJsonOption, type CommandContext } from './command-context.js';

const FLAGS = [
  { flag: '--product-name <name>', key: 'productName', field: 'product_name', label: 'Product name', help: 'name in every page header and title' },
  { flag: '--logo-url <url>', key: 'logoUrl', field: 'logo_url', label: 'Logo', help: 'logo in every page header: https, or a path on this server' },
  { flag: '--primary-color <hex>', key: 'primaryColor', field: 'primary_color', label: 'Primary colour', help: 'buttons and accents, written #rrggbb' },
  { flag: '--support-url <url>', key: 'supportUrl', field: 'support_url', label: 'Support', help: 'help link in every page footer, and discovery service_documentation (https)' },
  { flag: '--privacy-url <url>', key: 'privacyUrl', field: 'privacy_url', label: 'Privacy policy', help: 'privacy policy link, and discovery op_policy_uri (https)' },
  { flag: '--terms-url <url>', key: 'termsUrl', field: 'terms_url', label: 'Terms', help: 'terms of service link, and discovery op_tos_uri (https)' },
] as const;

function printBranding(out: Writer, view: BrandingView): void {
  const origin = (field: keyof BrandingView['stored']) => (view.stored[field] !== undefined ? 'stored' : view.environment[field] !== undefined ? 'environment' : 'default');
  printBlock(out, FLAGS.map((f) => [`${f.label} (${origin(f.field)})`, view.effective[f.field] ?? null] as const));
}

export function parseBrandingFlags(flags: Record<string, unknown>): BrandingInput {
  const body: Record<string, string> = {};
  const problems: string[] = [];
  for (const f of FLAGS) {
    const value = flags[f.key];
    if (typeof value !== 'string') continue;
    const parsed = brandingFields[f.field].safeParse(value);
    if (parsed.success) body[f.field] = parsed.data;
    else problems.push(`${f.flag.split(' ')[0]}: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`);
  }
  if (problems.length > 0) throw usageError(problems.join('; '));
  if (Object.keys(body).length === 0) throw usageError('nothing to set: pass at least one flag (see --help)');
  return body;
}

export function addBrandingCommand(program: Command, ctx: CommandContext): void {
  const branding = program.command('branding').description("the product name, logo, colour and links every page shows");
  const out = ctx.io.stdout;

  withJsonOption(branding.command('show'))
    .description('show the branding pages use, and where each value comes from')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const view = await admin.request({ method: 'GET', path: '/admin/branding', schema: brandingViewSchema });
      emit(ctx, cmd, view, () => printBranding(out, view));
    });

  const set = withJsonOption(branding.command('set')).description('store branding fields (they win over the BRAND_* variables)');
  for (const f of FLAGS) set.option(f.flag, f.help);
  set.action(async (flags: Record<string, unknown>, cmd: Command) => {
    const body = parseBrandingFlags(flags);
    const admin = await ctx.connect(cmd);
    const view = await admin.request({ method: 'PATCH', path: '/admin/branding', body, schema: brandingViewSchema });
    emit(ctx, cmd, view, () => {
      printLine(out, 'Branding stored. Pages now show:');
      printBranding(out, view);
    });
  });

  withJsonOption(branding.command('reset'))
    .description('forget every stored field: the BRAND_* variables (or the defaults) apply again')
    .action(async (_flags: unknown, cmd: Command) => {
      const admin = await ctx.connect(cmd);
      const view = await admin.request({ method: 'DELETE', path: '/admin/branding', schema: brandingViewSchema });
      emit(ctx, cmd, view, () => {
        printLine(out, 'Stored branding forgotten. Pages now show:');
        printBranding(out, view);
      });
    });
}
