import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderDocument } from '../http/html.js';
import { errorView } from './error.view.js';
import type { ErrorViewProps } from './error.view.js';
import { HOSTILE, assertEscaped, assertPageInvariants, elementWithText, elements, tags } from './views.test-support.js';

const base: ErrorViewProps = { nonce: 'nonce', title: 'Something went wrong', message: 'The request could not be completed.' };
const render = (p: Partial<ErrorViewProps> = {}) => renderDocument(errorView({ ...base, ...p }));

void describe('errorView', () => {
  void it('shows the title as heading and the message in role="alert"', () => {
    const doc = render();
    assertPageInvariants(doc);
    elementWithText(doc, 'h1', 'Something went wrong');
    assert.equal(elementWithText(doc, 'p', 'The request could not be completed.').attrs.get('role'), 'alert');
    assert.equal(elements(doc, 'title')[0]?.text, 'Something went wrong · Portcullis');
  });

  void it('shows the reference only when there is a request id', () => {
    assert.match(render({ requestId: 'req-123' }), /<small>Reference: <code>req-123<\/code><\/small>/);
    assert.doesNotMatch(render(), /Reference/);
  });

  void it('links and redirects nowhere (no open redirector)', () => {
    const doc = render({ requestId: 'r' });
    assert.equal(tags(doc).filter((t) => t.name === 'a' || t.name === 'form' || t.attrs.get('http-equiv') === 'refresh').length, 0);
  });

  void it('escapes title, message and request id', () => {
    for (const payload of HOSTILE) {
      const doc = render({ title: payload, message: payload, requestId: payload });
      assertEscaped(doc, payload);
      assertPageInvariants(doc);
    }
  });
});

void describe('errorView: next step and protocol detail', () => {
  void it('says what to do, links to a path of this server only, and keeps the code in small print', () => {
    const doc = render({ next: 'Go back and try again.', link: { href: '/account', label: 'Go to your account' }, code: 'invalid_client', detail: 'client is invalid', requestId: 'r1' });
    assertPageInvariants(doc);
    elementWithText(doc, 'p', 'Go back and try again.');
    assert.equal(elementWithText(doc, 'a', 'Go to your account').attrs.get('href'), '/account');
    assert.match(doc, /<p class="reference error-detail">Error code: <code>invalid_client<\/code> \(client is invalid\)<br><small>Reference: <code>r1<\/code><\/small><\/p>/);
    assert.doesNotMatch(elements(doc, 'h1')[0]!.text + elementWithText(doc, 'p', 'The request could not be completed.').text, /client is invalid/);
  });

  void it('drops a link that is not a local path (never sends anyone to an application, R2)', () => {
    for (const href of ['https://app.example/cb', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)']) {
      assert.equal(tags(render({ link: { href, label: 'Go' } })).filter((t) => t.name === 'a').length, 0, href);
    }
  });
});
