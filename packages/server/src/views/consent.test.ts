import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderDocument } from '../http/html.js';
import { consentView } from './consent.view.js';
import type { ConsentViewProps } from './consent.view.js';
import {
  HOSTILE,
  assertCsrfInEveryPostForm,
  assertEscaped,
  assertPageInvariants,
  elementWithText,
  elements,
  postForms,
} from './views.test-support.js';

const base: ConsentViewProps = {
  nonce: 'nonce',
  csrfToken: 'csrf-token-3',
  allowAction: '/interaction/abc/consent',
  denyAction: '/interaction/abc/abort',
  clientName: 'Acme Notes',
  accountEmail: 'ada@example.com',
  scopes: [
    { name: 'openid', description: 'Know that it is you' },
    { name: 'email', description: 'See your email address' },
  ],
};
const render = (p: Partial<ConsentViewProps> = {}) => renderDocument(consentView({ ...base, ...p }));

void describe('consentView', () => {
  void it('keeps the page invariants', () => {
    assertPageInvariants(render());
    assertPageInvariants(render({ scopes: [] }));
  });

  void it('names the client in the heading and says who is signed in', () => {
    const doc = render();
    elementWithText(doc, 'h1', 'Acme Notes wants to access your account');
    elementWithText(doc, 'p', 'Signed in as ada@example.com');
  });

  void it('lists each scope as a list item with its description', () => {
    const items = elements(render(), 'li');
    assert.equal(items.length, 2);
    assert.match(items[0]?.text ?? '', /^Know that it is you\b.*\bopenid$/);
    assert.match(items[1]?.text ?? '', /^See your email address\b.*\bemail$/);
  });

  void it('lists each requested API by its name and identifier, with the scopes asked there, escaped', () => {
    const doc = render({ scopes: [{ name: 'openid', description: 'Know that it is you' }], resources: [{ name: `Items ${HOSTILE[0]}`, identifier: 'https://api.example/items', scopes: [{ name: 'read:items', description: 'read:items' }] }] });
    // The identifier is text, not a link: the page still loads nothing from the API's host.
    assertPageInvariants(doc, { allowedHosts: ['api.example'] });
    assert.doesNotMatch(doc, /href="https:\/\/api\.example/);
    assertEscaped(doc, HOSTILE[0]);
    const intro = elements(doc, 'p').find((p) => p.text.includes('https://api.example/items'));
    assert.match(intro?.text ?? '', /^At Items .* https:\/\/api\.example\/items ?, it will be able to:$/);
    assert.deepEqual(elements(doc, 'li').map((li) => li.text.replace(/\s+/g, ' ').trim()), ['Know that it is you openid', 'read:items read:items']);
  });

  void it('shows only the API section when nothing but API scopes is asked', () => {
    const doc = render({ scopes: [], resources: [{ name: 'Items API', identifier: 'https://api.example/items', scopes: [{ name: 'read:items', description: 'read:items' }] }] });
    assert.doesNotMatch(doc, /only to confirm that you are signed in/);
    assert.match(doc, /class="resource-name">Items API</);
  });

  void it('explains that the answer is remembered', () => {
    assert.match(render(), /remember your answer/);
  });

  void it('has an "Allow" form and a "Deny" form, both POST with the CSRF token', () => {
    const doc = render();
    const forms = postForms(doc);
    assert.equal(forms.length, 2);
    assertCsrfInEveryPostForm(doc, base.csrfToken);
    const allow = forms.find((f) => f.attrs.get('action') === base.allowAction);
    const deny = forms.find((f) => f.attrs.get('action') === base.denyAction);
    assert.ok(allow && deny);
    assert.equal(elementWithText(allow.inner, 'button', 'Allow').attrs.get('type'), 'submit');
    assert.equal(elementWithText(deny.inner, 'button', 'Deny').attrs.get('type'), 'submit');
  });

  void it('escapes client name, email, scope names and descriptions', () => {
    for (const payload of HOSTILE) {
      const doc = render({ clientName: payload, accountEmail: payload, scopes: [{ name: payload, description: payload }] });
      assertEscaped(doc, payload);
      assertPageInvariants(doc);
      elementWithText(doc, 'h1', `${payload} wants to access your account`);
    }
  });
});
