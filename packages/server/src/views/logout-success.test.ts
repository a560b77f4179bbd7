import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderDocument } from '../http/html.js';
import { logoutSuccessView } from './logout-success.view.js';
import { HOSTILE, assertEscaped, assertPageInvariants, elementWithText, postForms } from './views.test-support.js';

const render = (clientName?: string) => renderDocument(logoutSuccessView({ nonce: 'nonce', clientName }));

void describe('logoutSuccessView', () => {
  void it('says "You are signed out" and has no form', () => {
    const doc = render();
    assertPageInvariants(doc);
    elementWithText(doc, 'h1', 'You are signed out');
    assert.equal(postForms(doc).length, 0);
  });

  void it('mentions the client when given, escaped', () => {
    assert.match(render('Acme Notes'), /<strong>Acme Notes<\/strong>/);
    for (const payload of HOSTILE) {
      const doc = render(payload);
      assertEscaped(doc, payload);
      assertPageInvariants(doc);
    }
  });
});
