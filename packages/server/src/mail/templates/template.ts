/**
 * What a mail template is: an id, a zod schema for its parameters (they are stored as JSON in the
 * outbox and parsed again before sending, so a row an older release wrote, or a hand-edited one,
 * can never render half a message), and a render function that returns the subject, the plain
 * text and the HTML in the recipient's language.
 * - HTML is escaped by construction (`html` from http/html.ts); every URL goes through `safeUrl`.
 * - Texts come from the messages table (`messageIn(locale, ...)`), in all three languages.
 * - The product name comes from branding at sending time, so a renamed product shows everywhere.
 */
import type { z } from 'zod';
import { html, renderDocument, safeUrl, type SafeHtml } from '../../http/html.js';
import type { Locale } from '../../messages/locales.js';

export interface MailContext {
  locale: Locale;
  /** The effective product name (branding service). */
  productName: string;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailTemplate<Id extends string, Schema extends z.ZodType<Record<string, string | number>>> {
  id: Id;
  params: Schema;
  render(params: z.output<Schema>, context: MailContext): RenderedMail;
}

/** Declares a template; the function only fixes the types. */
export function defineTemplate<Id extends string, Schema extends z.ZodType<Record<string, string | number>>>(template: MailTemplate<Id, Schema>): MailTemplate<Id, Schema> {
  return template;
}

/** The HTML document every message shares: a heading, paragraphs, an optional button. */
export function mailHtml(context: MailContext, parts: { heading: string; body: SafeHtml; action?: { label: string; href: string }; after?: SafeHtml }): string {
  const action = parts.action ? html`<p><a href="${safeUrl(parts.action.href)}" style="display:inline-block;padding:10px 16px;background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:4px">${parts.action.label}</a></p>` : null;
  return renderDocument(html`<html lang="${context.locale}"><head><meta charset="utf-8"><title>${parts.heading}</title></head><body style="font-family:sans-serif;line-height:1.5;color:#111827"><h1 style="font-size:20px">${parts.heading}</h1>${parts.body}${action}${parts.after}<p style="color:#6b7280;font-size:12px">${context.productName}</p></body></html>`);
}

/** Plain-text paragraphs separated by blank lines, ending with the product name. */
export function mailText(context: MailContext, paragraphs: string[]): string {
  return `${[...paragraphs, `-- \n${context.productName}`].join('\n\n')}\n`;
}
