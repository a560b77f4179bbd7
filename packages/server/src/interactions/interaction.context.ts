/**
 * Loads the provider's interaction for `:uid` and checks it belongs to this browser. A missing,
 * expired or foreign interaction becomes `interaction.expired`, shown as a page, never a 500.
 * A storage outage is not an expired interaction: it stays a 503, so the person retries.
 */
import type { Context } from 'koa';
import type Provider from 'oidc-provider';
import type { Interaction } from 'oidc-provider';
import { AppError } from '../http/app-error.js';
import { isUnavailable } from '../stores/unavailable.js';

export async function loadInteraction(ctx: Context, provider: Provider): Promise<Interaction> {
  let details: Interaction;
  try {
    details = await provider.interactionDetails(ctx.req, ctx.res);
  } catch (error) {
    if (isUnavailable(error)) throw new AppError('service.unavailable', undefined, { cause: error });
    throw new AppError('interaction.expired', undefined, { cause: error });
  }
  if (details.uid !== (ctx.params as Record<string, string | undefined>).uid) throw new AppError('interaction.expired');
  return details;
}
