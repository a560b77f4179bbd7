/**
 * Texts with markup in their parameters, e.g. "to continue to <strong>{client}</strong>": the
 * translation decides where the parameter goes, the view decides its markup. The text itself is
 * escaped like any other string; only the parameter values given as `html` stay markup.
 */
import { html, type HtmlValue, type SafeHtml } from '../http/html.js';
import { messageParts, type MessageId, type ParamsArg } from '../messages/message.js';
import { currentLocale } from '../messages/locale-scope.js';

export function messageHtml<Id extends MessageId>(id: Id, ...[params]: ParamsArg<Id, HtmlValue>): SafeHtml {
  return html`${messageParts<HtmlValue>(currentLocale(), id, params ?? {})}`;
}
