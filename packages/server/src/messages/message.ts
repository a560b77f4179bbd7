/**
 * `message(id, params)`: the text of one message id (messages.en.ts), with its `{parameters}`
 * filled in and its plural picked. The parameters an id needs are checked by type: an id with
 * `{minutes}` cannot be asked for without `minutes`.
 */
import { messagesEn } from './messages.en.js';

type Table = typeof messagesEn;
export type MessageId = keyof Table;

type Plural = { plural: string; one: string; other: string };
type TextsOf<E> = E extends Plural ? E['one'] | E['other'] | `{${E['plural']}}` : E;
type NamesIn<S> = S extends `${string}{${infer Name}}${infer Rest}` ? Name | NamesIn<Rest> : never;
export type MessageParams<Id extends MessageId> = { [Name in NamesIn<TextsOf<Table[Id]>>]: string | number };
/** The ids that take no parameters: the ones a table of codes can point at. */
export type PlainMessageId = { [Id in MessageId]: [NamesIn<TextsOf<Table[Id]>>] extends [never] ? Id : never }[MessageId];
type ParamsArg<Id extends MessageId> = [NamesIn<TextsOf<Table[Id]>>] extends [never] ? [] : [params: MessageParams<Id>];

const plurals = new Intl.PluralRules('en');

export function message<Id extends MessageId>(id: Id, ...[params]: ParamsArg<Id>): string {
  const entry: string | Plural = messagesEn[id];
  const values = (params ?? {}) as Record<string, string | number>;
  const text = typeof entry === 'string' ? entry : plurals.select(Number(values[entry.plural])) === 'one' ? entry.one : entry.other;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}
