/**
 * The branding of the request being answered, for the layout and the texts that name the product.
 * Opened once per request by the page-context middleware (page-context.middleware.ts), for the
 * same reason as the language (messages/locale-scope.ts): every view would otherwise take it as a
 * parameter. Outside a scope (tests of a single view), the defaults.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface Branding {
  productName: string;
  logoUrl?: string;
  /** `#rrggbb`, validated (@portcullis/contract hexColour). */
  primaryColor?: string;
  supportUrl?: string;
  privacyUrl?: string;
  termsUrl?: string;
}

export const DEFAULT_BRANDING: Branding = Object.freeze({ productName: 'Portcullis' });

const storage = new AsyncLocalStorage<Branding>();

export function runWithBranding<T>(branding: Branding, task: () => T): T {
  return storage.run(branding, task);
}

export function currentBranding(): Branding {
  return storage.getStore() ?? DEFAULT_BRANDING;
}
