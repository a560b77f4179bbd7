/**
 * The languages Portcullis speaks, and how one is picked for a request:
 * 1. the authorization request's `ui_locales` (OpenID Connect Core §3.1.2.1: space-separated
 *    BCP 47 tags, most preferred first), kept for the whole interaction;
 * 2. otherwise the browser's Accept-Language (RFC 9110 §12.5.4), weighed by `negotiator`;
 * 3. otherwise English.
 * A regional tag matches its language (`de-CH` → `de`). Discovery advertises SUPPORTED_LOCALES.
 */
import Negotiator from 'negotiator';

export const SUPPORTED_LOCALES = ['en', 'de', 'fr'] as const;
export type Locale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'en';

export const isLocale = (tag: string): tag is Locale => (SUPPORTED_LOCALES as readonly string[]).includes(tag);

/** The first supported language among `ui_locales`, or undefined when none is supported. */
export function localeFromUiLocales(uiLocales: unknown): Locale | undefined {
  if (typeof uiLocales !== 'string') return undefined;
  for (const tag of uiLocales.split(' ')) {
    const language = tag.split('-')[0]!.toLowerCase();
    if (isLocale(language)) return language;
  }
  return undefined;
}

/** The best supported language for an Accept-Language header, or undefined when none fits. */
export function localeFromAcceptLanguage(header: string | undefined): Locale | undefined {
  if (!header) return undefined;
  const [best] = new Negotiator({ headers: { 'accept-language': header } }).languages([...SUPPORTED_LOCALES]);
  return best !== undefined && isLocale(best) ? best : undefined;
}

export function pickLocale(request: { uiLocales?: unknown; acceptLanguage?: string | undefined }): Locale {
  return localeFromUiLocales(request.uiLocales) ?? localeFromAcceptLanguage(request.acceptLanguage) ?? DEFAULT_LOCALE;
}
