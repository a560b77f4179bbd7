/**
 * "Your password was changed": the notice after a reset through a mailed link (recovery/). No
 * link: it tells, and says what to do if it was not them. A reset does not remove passkeys from a
 * confirmed account, so the notice says how many still sign in and where to remove them
 * (`passkeys`; 0, and no such paragraph, in a row an older release wrote).
 */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const passwordChangedParams = z.object({ passkeys: z.number().int().min(0).default(0) });
export type PasswordChangedParams = z.infer<typeof passwordChangedParams>;

export const passwordChanged = defineTemplate({
  id: 'password_changed',
  params: passwordChangedParams,
  render(params, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.password_changed.heading');
    const what = messageIn(context.locale, 'mail.password_changed.what', t);
    const next = messageIn(context.locale, 'mail.password_changed.next');
    const passkeys = params.passkeys > 0 ? [messageIn(context.locale, 'mail.password_changed.passkeys', { count: params.passkeys })] : [];
    return {
      subject: messageIn(context.locale, 'mail.password_changed.subject', t),
      text: mailText(context, [heading, what, ...passkeys, next]),
      html: mailHtml(context, { heading, body: html`<p>${what}</p>${passkeys.map((p) => html`<p>${p}</p>`)}<p>${next}</p>` }),
    };
  },
});
