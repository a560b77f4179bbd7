/**
 * BRAND_* variables: the branding pages show when `portcullis branding set` has stored nothing
 * for a field (a stored field wins). Each is validated by the same rule as the admin API's
 * (@portcullis/contract): https links, a logo on https or on this server, a `#rrggbb` colour.
 */
import { brandingFields, type BrandingSettings } from '@portcullis/contract';

export const brandingEnvShape = {
  BRAND_PRODUCT_NAME: brandingFields.product_name.optional(),
  BRAND_LOGO_URL: brandingFields.logo_url.optional(),
  BRAND_PRIMARY_COLOR: brandingFields.primary_color.optional(),
  BRAND_SUPPORT_URL: brandingFields.support_url.optional(),
  BRAND_PRIVACY_URL: brandingFields.privacy_url.optional(),
  BRAND_TERMS_URL: brandingFields.terms_url.optional(),
};

type BrandingEnv = { [Name in keyof typeof brandingEnvShape]?: string | undefined };

export function toBranding(e: BrandingEnv): Readonly<BrandingSettings> {
  const pairs = {
    product_name: e.BRAND_PRODUCT_NAME,
    logo_url: e.BRAND_LOGO_URL,
    primary_color: e.BRAND_PRIMARY_COLOR,
    support_url: e.BRAND_SUPPORT_URL,
    privacy_url: e.BRAND_PRIVACY_URL,
    terms_url: e.BRAND_TERMS_URL,
  };
  return Object.freeze(Object.fromEntries(Object.entries(pairs).filter(([, value]) => value !== undefined)));
}
