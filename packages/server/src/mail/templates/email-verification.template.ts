/**
 * "Confirm your email address": sent after registration and on "send again". It carries the
 * 6-digit code for the sign-in's "check your email" step and a link that does the same.
 */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const emailVerificationParams = z.object({
  code: z.string().regex(/^\d{6}$/),
  link: z.url({ protocol: /^https?$/ }),
  minutes: z.number().int().positive(),
});
export type EmailVerificationParams = z.infer<typeof emailVerificationParams>;

export const emailVerification = defineTemplate({
  id: 'email_verification',
  params: emailVerificationParams,
  render({ code, link, minutes }, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.verification.heading');
    const intro = messageIn(context.locale, 'mail.verification.code_intro');
    const expiry = messageIn(context.locale, 'mail.verification.expiry', { minutes });
    const ignore = messageIn(context.locale, 'mail.verification.ignore', t);
    return {
      subject: messageIn(context.locale, 'mail.verification.subject', t),
      text: mailText(context, [heading, `${intro}\n\n    ${code}`, messageIn(context.locale, 'mail.verification.link_intro'), link, expiry, ignore]),
      html: mailHtml(context, {
        heading,
        body: html`<p>${intro}</p><p style="font-size:28px;letter-spacing:4px;font-weight:bold">${code}</p><p>${messageIn(context.locale, 'mail.verification.link_intro')}</p>`,
        action: { label: messageIn(context.locale, 'mail.verification.button'), href: link },
        after: html`<p>${expiry}</p><p>${ignore}</p>`,
      }),
    };
  },
});
