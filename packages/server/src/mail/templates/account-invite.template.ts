/** "Set your password": an administrator's invitation (`users invite`, `users create --send-invite`), a single-use link. */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const accountInviteParams = z.object({ link: z.url({ protocol: /^https?$/ }), hours: z.number().int().positive() });
export type AccountInviteParams = z.infer<typeof accountInviteParams>;

export const accountInvite = defineTemplate({
  id: 'account_invite',
  params: accountInviteParams,
  render({ link, hours }, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.invite.heading');
    const what = messageIn(context.locale, 'mail.invite.what', t);
    const expiry = messageIn(context.locale, 'mail.invite.expiry', { hours });
    const ignore = messageIn(context.locale, 'mail.invite.ignore');
    return {
      subject: messageIn(context.locale, 'mail.invite.subject', t),
      text: mailText(context, [heading, what, link, expiry, ignore]),
      html: mailHtml(context, {
        heading,
        body: html`<p>${what}</p>`,
        action: { label: messageIn(context.locale, 'mail.invite.button'), href: link },
        after: html`<p>${expiry}</p><p>${ignore}</p>`,
      }),
    };
  },
});
