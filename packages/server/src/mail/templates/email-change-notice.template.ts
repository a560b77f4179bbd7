/** "A change of email address was requested": sent to the OLD address when an email change is asked for (recovery/), whether or not the new address could be used. */
import { z } from 'zod';
import { html } from '../../http/html.js';
import { messageIn } from '../../messages/message.js';
import { defineTemplate, mailHtml, mailText } from './template.js';

export const emailChangeNoticeParams = z.object({ newEmail: z.string().max(320) });
export type EmailChangeNoticeParams = z.infer<typeof emailChangeNoticeParams>;

export const emailChangeNotice = defineTemplate({
  id: 'email_change_notice',
  params: emailChangeNoticeParams,
  render({ newEmail }, context) {
    const t = { product: context.productName };
    const heading = messageIn(context.locale, 'mail.email_change_notice.heading');
    const what = messageIn(context.locale, 'mail.email_change_notice.what', { ...t, email: newEmail });
    const next = messageIn(context.locale, 'mail.email_change_notice.next');
    return {
      subject: messageIn(context.locale, 'mail.email_change_notice.subject', t),
      text: mailText(context, [heading, what, next]),
      html: mailHtml(context, { heading, body: html`<p>${what}</p><p>${next}</p>` }),
    };
  },
});
