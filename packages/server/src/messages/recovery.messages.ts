/** The shape of the recovery texts in every language: the English ids, each a text. */
import type { recoveryMessagesEn } from './recovery.messages.en.js';

export type RecoveryTranslation = { readonly [Id in keyof typeof recoveryMessagesEn]: string };
