/**
 * `message(id, params)`: the text of one message id in the request's language (locale-scope.ts),
 * with its `{parameters}` filled in and its plural picked by that language's rules.
 * `messageIn(locale, id, params)` names the language itself. The parameters an id needs are
 * checked by type against the English table: an id with `{minutes}` cannot be asked for without
 * `minutes`. Every other table has the same ids with the same parameters (messages.test.ts).
 */
import { messagesEn } from './messages.en.js';
import { messagesDe } from './messages.de.js';
import { messagesFr } from './messages.fr.js';
import type { Locale } from './locales.js';
import { currentLocale } from './locale-scope.js';
import type { Plural, Translation } from './translation.js';

type Table = typeof messagesEn;
export type MessageId = keyof Table;

type TextsOf<E> = E extends Plural ? E['one'] | E['other'] | `{${E['plural']}}` : E;
type NamesIn<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | NamesIn<Rest> : never;
export type MessageParams<Id extends MessageId, Value = string | number> = { [Name in NamesIn<TextsOf<Table[Id]>>]: Value };
/** The ids that take no parameters: the ones a table of codes can point at. */
export type PlainMessageId = { [Id in MessageId]: [NamesIn<TextsOf<Table[Id]>>] extends [never] ? Id : never }[MessageId];
export type ParamsArg<Id extends MessageId, Value = string | number> = [NamesIn<TextsOf<Table[Id]>>] extends [never] ? [] : [params: MessageParams<Id, Value>];

export const TABLES: Record<Locale, Translation> = { en: messagesEn, de: messagesDe, fr: messagesFr };
const plurals: Record<Locale, Intl.PluralRules> = {
  en: new Intl.PluralRules('en'),
  de: new Intl.PluralRules('de'),
  fr: new Intl.PluralRules('fr'),
};

/**
 * The text of `id` in `locale` as pieces: literal text, and the parameter values in their places
 * (kept as they are, so a view can put markup there: messageHtml in views/text.ts).
 */
export function messageParts<Value>(locale: Locale, id: MessageId, values: Record<string, Value>): (string | Value)[] {
  const entry: string | Plural = TABLES[locale][id];
  const text = typeof entry === 'string' ? entry : plurals[locale].select(Number(values[entry.plural])) === 'one' ? entry.one : entry.other;
  return text.split(/\{(\w+)\}/).map((piece, i) => (i % 2 === 1 && piece in values ? values[piece]! : i % 2 === 1 ? `{${piece}}` : piece));
}

export function messageIn<Id extends MessageId>(locale: Locale, id: Id, ...[params]: ParamsArg<Id>): string {
  return messageParts<string | number>(locale, id, params ?? {}).join('');
}

export function message<Id extends MessageId>(id: Id, ...params: ParamsArg<Id>): string {
  return messageIn(currentLocale(), id, ...params);
}
