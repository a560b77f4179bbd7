/**
 * "A passkey was added": the notice after a passkey is added on the account page
 * (passkeys/passkey.service.ts, queued in the transaction that stores it). No link: it tells,
 * names the passkey, and says where to remove it if it was not them (SECURITY.md A15).
 */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const passkeyAddedParams = z.object({ name: z.string().max(200) });
export type PasskeyAddedParams = z.infer<typeof passkeyAddedParams>;

export const passkeyAdded = defineTemplate({
  id: 'passkey_added',
  params: passkeyAddedParams,
  render(params, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.passkey_added.heading');
    const what = messageIn(context.locale, 'mail.passkey_added.what', { ...t, name: params.name });
    const next = messageIn(context.locale, 'mail.passkey_added.next');
    return {
      subject: messageIn(context.locale, 'mail.passkey_added.subject', t),
      text: mailText(context, [heading, what, next]),
      html: mailHtml(context, { heading, body: html`<p>${what}</p><p>${next}</p>` }),
    };
  },
});
