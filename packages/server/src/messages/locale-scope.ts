/**
 * The language of the request being answered. One middleware of the public listener opens a scope
 * per request (http/locale.middleware.ts); the interaction pages narrow it to the authorization
 * request's `ui_locales` once they have loaded the interaction, so every text of the sign-in keeps
 * the language the application asked for. `message()` reads it from here.
 *
 * Why AsyncLocalStorage rather than a parameter: texts are decided in a score of places at every
 * depth (zod error maps, services throwing AppError, views, the provider's own pages rendered
 * through our views); threading a translator through each signature would touch them all for a
 * value that is constant for the request. Outside any scope (the admin API, the CLI, start-up)
 * the language is English.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DEFAULT_LOCALE, type Locale } from './locales.js';

interface Scope {
  locale: Locale;
}

const storage = new AsyncLocalStorage<Scope>();

export function runWithLocale<T>(locale: Locale, task: () => T): T {
  return storage.run({ locale }, task);
}

/** Changes the language for the rest of the current request (nothing outside a scope). */
export function switchLocale(locale: Locale): void {
  const scope = storage.getStore();
  if (scope) scope.locale = locale;
}

export function currentLocale(): Locale {
  return storage.getStore()?.locale ?? DEFAULT_LOCALE;
}
