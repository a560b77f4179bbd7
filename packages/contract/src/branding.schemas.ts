/**
 * Branding: what every page shows of the operator (name, logo, colour, support and legal links).
 * Set from the environment (BRAND_* variables, packages/config) or with `portcullis branding set`
 * (stored through the admin API); a stored field wins over the environment's, field by field.
 */
import { z } from 'zod';
import { hexColour, httpsUrl, logoUrl, productName } from './public-links.js';

export const brandingFields = {
  product_name: productName,
  logo_url: logoUrl,
  primary_color: hexColour,
  support_url: httpsUrl,
  privacy_url: httpsUrl,
  terms_url: httpsUrl,
};

/** `PATCH /admin/branding`: the fields to set; the others keep their stored value. */
export const brandingInputSchema = z.strictObject(brandingFields).partial();
export type BrandingInput = z.input<typeof brandingInputSchema>;
export type BrandingSettings = z.output<typeof brandingInputSchema>;

/** `GET /admin/branding`: what is stored, what the environment says, and what pages show. */
export const brandingViewSchema = z.object({
  stored: brandingInputSchema,
  environment: brandingInputSchema,
  effective: brandingInputSchema.extend({ product_name: z.string() }),
});
export type BrandingView = z.infer<typeof brandingViewSchema>;
