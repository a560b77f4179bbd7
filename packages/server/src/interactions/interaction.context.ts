/**
 * Loads the provider's interaction for `:uid` and checks it belongs to this browser. A missing,
 * expired or foreign interaction becomes `interaction.expired`, shown as a page, never a 500.
 * A storage outage is not an expired interaction: it stays a 503, so the person retries.
 * The authorization request's `ui_locales` picks the language of every page of the interaction.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { AppError } from '../http/app-error.js';
import { isUnavailable } from '../stores/unavailable.js';
import { localeFromUiLocales } from '../messages/locales.js';
import { switchLocale } from '../messages/locale-scope.js';

export async function loadInteraction(ctx: Context, provider: Provider): Promise<Interaction> {
  let details: Interaction;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    if (isUnavailable(error)) throw new AppError('service.unavailable', undefined, { cause: error });
    throw new AppError('interaction.expired', undefined, { cause: error });
  }
  if (details.uid !== (ctx.params as Record<string, string | undefined>).uid) throw new AppError('interaction.expired');
  // The language the application asked for (ui_locales) holds for every page of the interaction.
  const asked = localeFromUiLocales(details.params.ui_locales);
  if (asked) switchLocale(asked);
  return details;
}
