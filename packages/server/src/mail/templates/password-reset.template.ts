/**
 * "Reset your password": the single-use link of "Forgot password?" (recovery/). It says the second
 * factor is still asked, and that ignoring the message leaves the password as it is.
 */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const passwordResetParams = z.object({ link: z.url({ protocol: /^https?$/ }), minutes: z.number().int().positive() });
export type PasswordResetParams = z.infer<typeof passwordResetParams>;

export const passwordReset = defineTemplate({
  id: 'password_reset',
  params: passwordResetParams,
  render({ link, minutes }, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.password_reset.heading');
    const what = messageIn(context.locale, 'mail.password_reset.what', t);
    const expiry = messageIn(context.locale, 'mail.password_reset.expiry', { minutes });
    const mfa = messageIn(context.locale, 'mail.password_reset.mfa');
    const ignore = messageIn(context.locale, 'mail.password_reset.ignore');
    return {
      subject: messageIn(context.locale, 'mail.password_reset.subject', t),
      text: mailText(context, [heading, what, link, expiry, mfa, ignore]),
      html: mailHtml(context, {
        heading,
        body: html`<p>${what}</p>`,
        action: { label: messageIn(context.locale, 'mail.password_reset.button'), href: link },
        after: html`<p>${expiry}</p><p>${mfa}</p><p>${ignore}</p>`,
      }),
    };
  },
});
