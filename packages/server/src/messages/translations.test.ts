import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TABLES, messageIn, message } from './message.js';
import { messagesEn } from './messages.en.js';
import { SUPPORTED_LOCALES, DEFAULT_LOCALE, pickLocale } from './locales.js';
import { runWithLocale, switchLocale, currentLocale } from './locale-scope.js';
import type { Plural } from './translation.js';

type Entry = string | Plural;
/** An entry's shape: its parameter names (sorted), and which one picks the plural. */
function shape(entry: Entry): { params: string[]; plural?: string } {
  const texts = typeof entry === 'string' ? [entry] : [entry.one, entry.other];
  const params = new Set(texts.flatMap((text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)));
  if (typeof entry !== 'string') params.add(entry.plural);
  return { params: [...params].sort(), ...(typeof entry !== 'string' && { plural: entry.plural }) };
}

describe('translations', () => {
  it('has every English id in every language, and nothing else', () => {
    const ids = Object.keys(messagesEn).sort();
    for (const locale of SUPPORTED_LOCALES) assert.deepEqual(Object.keys(TABLES[locale]).sort(), ids, locale);
  });

  it('gives every id the same parameters and plural in every language', () => {
    for (const locale of SUPPORTED_LOCALES) {
      for (const [id, entry] of Object.entries(messagesEn)) {
        assert.deepEqual(shape(TABLES[locale][id as keyof typeof messagesEn]), shape(entry), `${locale} ${id}`);
      }
    }
  });

  it('leaves no text empty, and translates the page texts (not a copy of the English)', () => {
    for (const locale of SUPPORTED_LOCALES) {
      const copies: string[] = [];
      for (const [id, entry] of Object.entries(TABLES[locale])) {
        const texts = typeof entry === 'string' ? [entry] : [entry.one, entry.other];
        for (const text of texts) assert.ok(text.trim().length > 0, `${locale} ${id} is empty`);
        if (locale !== DEFAULT_LOCALE && JSON.stringify(entry) === JSON.stringify(messagesEn[id as keyof typeof messagesEn])) copies.push(id);
      }
      // Words that are the same in both languages (a label "Code", "Name", "Action", "Userinfo").
      const same = new Set(['confirm.regenerate.label', 'view.field.code', 'view.field.name', 'view.field.optional', 'view.consent.client_site', 'view.apps.action', 'view.sessions.action', 'view.demo.userinfo', 'view.apps.application', 'view.sessions.address', 'view.account.sessions',
        // "Passkeys" is the German word too.
        'view.account.passkeys', 'view.passkeys.title']);
      assert.deepEqual(copies.filter((id) => !same.has(id)), [], locale);
    }
  });

  it('picks the plural by each language’s rules', () => {
    assert.equal(messageIn('de', 'account.sessions_others_ended', { count: 1 }), 'Eine andere Sitzung wurde abgemeldet.');
    assert.equal(messageIn('de', 'account.sessions_others_ended', { count: 4 }), '4 andere Sitzungen wurden abgemeldet.');
    // French counts 0 as singular (CLDR): "0 autre session", not "0 autres sessions".
    assert.match(messageIn('fr', 'account.sessions_others_ended', { count: 0 }), /^0\u00a0autre session a été/);
    assert.match(messageIn('fr', 'account.sessions_others_ended', { count: 2 }), /^2\u00a0autres sessions ont été/);
  });

  it('speaks the language of the scope it runs in, and English outside any', () => {
    assert.equal(message('view.login.title'), 'Sign in');
    runWithLocale('fr', () => {
      assert.equal(message('view.login.title'), 'Connexion');
      switchLocale('de');
      assert.equal(currentLocale(), 'de');
      assert.equal(message('view.login.title'), 'Anmelden');
    });
    assert.equal(message('view.login.title'), 'Sign in');
  });
});

describe('pickLocale', () => {
  it('takes the first supported ui_locales tag, a region matching its language', () => {
    assert.equal(pickLocale({ uiLocales: 'fr-CA de', acceptLanguage: 'de' }), 'fr');
    assert.equal(pickLocale({ uiLocales: 'es DE-at' }), 'de');
  });

  it('weighs Accept-Language when ui_locales names nothing supported', () => {
    assert.equal(pickLocale({ uiLocales: 'es', acceptLanguage: 'en;q=0.5, fr;q=0.9' }), 'fr');
    assert.equal(pickLocale({ acceptLanguage: 'de-CH' }), 'de');
    assert.equal(pickLocale({ acceptLanguage: 'ja, *;q=0.1' }), 'en');
  });

  it('falls back to English for anything else, malformed input included', () => {
    for (const request of [{}, { uiLocales: 'xx' }, { acceptLanguage: 'es' }, { uiLocales: ['de'] }, { acceptLanguage: ';;;q=abc' }, { uiLocales: '' }]) {
      assert.equal(pickLocale(request), 'en', JSON.stringify(request));
    }
  });
});
