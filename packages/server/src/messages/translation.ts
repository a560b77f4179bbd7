/** The shape every language's table has: the English table's ids, each a text or plural forms. */
import type { messagesEn } from './messages.en.js';

export type Plural = { plural: string; one: string; other: string };
export type Translation = { readonly [Id in keyof typeof messagesEn]: string | Plural };
