/**
 * Branding: the environment's BRAND_* values, overridden field by field by what
 * `portcullis branding set` stored (settings key `branding`). The service owns the audit events
 * (`branding.updated`, `branding.reset`). Every page reads the effective branding, so it is kept
 * in memory for CACHE_MS: the instance that made a change sees it at once, the others within
 * CACHE_MS.
 */
import { brandingInputSchema, type BrandingSettings, type BrandingView } from '@portcullis/contract';
import type { SettingsRepository } from '@portcullis/db';
import type { AuditService, RequestMeta } from '../audit/audit.service.js';
import { AppError } from '../http/app-error.js';
import { DEFAULT_BRANDING, type Branding } from './branding-scope.js';

const KEY = 'branding';
export const BRANDING_CACHE_MS = 10_000;

export interface BrandingService {
  /** What pages show now. */
  current(): Promise<Branding>;
  view(): Promise<BrandingView>;
  /** Stores the given fields (the others keep their stored value); refuses a bad one. */
  set(input: unknown, meta: RequestMeta): Promise<BrandingView>;
  /** Forgets every stored field: the environment's values (or the defaults) apply again. */
  reset(meta: RequestMeta): Promise<BrandingView>;
}

export function toBranding(settings: BrandingSettings): Branding {
  return {
    productName: settings.product_name ?? DEFAULT_BRANDING.productName,
    ...(settings.logo_url && { logoUrl: settings.logo_url }),
    ...(settings.primary_color && { primaryColor: settings.primary_color }),
    ...(settings.support_url && { supportUrl: settings.support_url }),
    ...(settings.privacy_url && { privacyUrl: settings.privacy_url }),
    ...(settings.terms_url && { termsUrl: settings.terms_url }),
  };
}

export function createBrandingService(deps: {
  settings: SettingsRepository;
  environment: Readonly<BrandingSettings>;
  audit: AuditService;
  now?: () => number;
}): BrandingService {
  const now = deps.now ?? Date.now;
  let cached: { at: number; stored: BrandingSettings } | undefined;
  let inflight: Promise<BrandingSettings> | undefined;

  async function read(): Promise<BrandingSettings> {
    // A database outage must not hold every page (or the token endpoint) for a query timeout:
    // the last known value, or the environment's alone, for another CACHE_MS.
    let raw: unknown;
    try {
      raw = (await deps.settings.get(KEY)) ?? {};
    } catch {
      cached = { at: now(), stored: cached?.stored ?? {} };
      return cached.stored;
    }
    // A stored value that no longer passes (written by a later release, edited by hand) is ignored
    // rather than shown: pages must never carry an unchecked URL or colour.
    const parsed = brandingInputSchema.safeParse(raw);
    cached = { at: now(), stored: parsed.success ? parsed.data : {} };
    return cached.stored;
  }

  /** The stored fields, read at most once per CACHE_MS (concurrent requests share one read). */
  function stored(): Promise<BrandingSettings> {
    if (cached && now() - cached.at < BRANDING_CACHE_MS) return Promise.resolve(cached.stored);
    inflight ??= read().finally(() => (inflight = undefined));
    return inflight;
  }

  async function view(): Promise<BrandingView> {
    const mine = await stored();
    const effective = { ...deps.environment, ...mine };
    return { stored: mine, environment: { ...deps.environment }, effective: { ...effective, product_name: effective.product_name ?? DEFAULT_BRANDING.productName } };
  }

  return {
    current: async () => toBranding({ ...deps.environment, ...(await stored()) }),
    view,
    async set(input, meta) {
      const parsed = brandingInputSchema.safeParse(input);
      if (!parsed.success) throw new AppError('branding.invalid', parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '));
      const fields = parsed.data;
      if (Object.keys(fields).length === 0) throw new AppError('branding.invalid', 'Give at least one field to set.');
      // Merged in the database, never onto this instance's cached copy (up to CACHE_MS old) or the
      // outage fallback (`{}`): either would drop fields another instance stored.
      await deps.settings.merge(KEY, fields);
      cached = undefined;
      await deps.audit.record({ type: 'branding.updated', outcome: 'success', detail: { fields: Object.keys(fields) } }, meta);
      return view();
    },
    async reset(meta) {
      await deps.settings.remove(KEY);
      cached = undefined;
      await deps.audit.record({ type: 'branding.reset', outcome: 'success', detail: {} }, meta);
      return view();
    },
  };
}
