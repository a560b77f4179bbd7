/**
 * "Someone tried to register with your address": what the owner of an existing account gets when
 * the registration form is sent with their email. The form itself answers exactly as for a new
 * address (docs/security.md A2), so only the address's owner learns that it has an account.
 */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const registrationAttemptParams = z.object({
  /** Where to sign in (the sign-in page offers the way back in when the password is lost). */
  signInLink: z.url({ protocol: /^https?$/ }),
});
export type RegistrationAttemptParams = z.infer<typeof registrationAttemptParams>;

export const registrationAttempt = defineTemplate({
  id: 'registration_attempt',
  params: registrationAttemptParams,
  render({ signInLink }, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.registration_attempt.heading');
    const what = messageIn(context.locale, 'mail.registration_attempt.what', t);
    const next = messageIn(context.locale, 'mail.registration_attempt.next');
    const ignore = messageIn(context.locale, 'mail.registration_attempt.ignore');
    return {
      subject: messageIn(context.locale, 'mail.registration_attempt.subject', t),
      text: mailText(context, [heading, what, next, signInLink, ignore]),
      html: mailHtml(context, {
        heading,
        body: html`<p>${what}</p><p>${next}</p><p>${ignore}</p>`,
        action: { label: messageIn(context.locale, 'mail.registration_attempt.button'), href: signInLink },
      }),
    };
  },
});
