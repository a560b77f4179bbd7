/** "Your password was changed": the notice after a reset through a mailed link (recovery/). No link: it tells, and says what to do if it was not them. */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const passwordChangedParams = z.object({});
export type PasswordChangedParams = z.infer<typeof passwordChangedParams>;

export const passwordChanged = defineTemplate({
  id: 'password_changed',
  params: passwordChangedParams,
  render(_params, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.password_changed.heading');
    const what = messageIn(context.locale, 'mail.password_changed.what', t);
    const next = messageIn(context.locale, 'mail.password_changed.next');
    return {
      subject: messageIn(context.locale, 'mail.password_changed.subject', t),
      text: mailText(context, [heading, what, next]),
      html: mailHtml(context, { heading, body: html`<p>${what}</p><p>${next}</p>` }),
    };
  },
});
