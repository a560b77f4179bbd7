/** "Confirm your new email address": sent to the NEW address of an email change (recovery/); the address changes only when its link is followed. */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const emailChangeVerifyParams = z.object({ link: z.url({ protocol: /^https?$/ }), minutes: z.number().int().positive() });
export type EmailChangeVerifyParams = z.infer<typeof emailChangeVerifyParams>;

export const emailChangeVerify = defineTemplate({
  id: 'email_change_verify',
  params: emailChangeVerifyParams,
  render({ link, minutes }, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.email_change.heading');
    const what = messageIn(context.locale, 'mail.email_change.what', t);
    const expiry = messageIn(context.locale, 'mail.email_change.expiry', { minutes });
    const ignore = messageIn(context.locale, 'mail.email_change.ignore');
    return {
      subject: messageIn(context.locale, 'mail.email_change.subject', t),
      text: mailText(context, [heading, what, link, expiry, ignore]),
      html: mailHtml(context, {
        heading,
        body: html`<p>${what}</p>`,
        action: { label: messageIn(context.locale, 'mail.email_change.button'), href: link },
        after: html`<p>${expiry}</p><p>${ignore}</p>`,
      }),
    };
  },
});
