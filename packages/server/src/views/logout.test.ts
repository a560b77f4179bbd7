import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { raw, renderDocument } from '../http/html.js';
import { logoutView } from './logout.view.js';
import type { LogoutViewProps } from './logout.view.js';
import { HOSTILE, assertCsrfInEveryPostForm, assertEscaped, assertPageInvariants, elementWithText, elements } from './views.test-support.js';

// What node-oidc-provider 9 passes to logoutSource (lib/actions/end_session.js).
const PROVIDER_FORM =
  '<form id="op.logoutForm" method="post" action="https://issuer.example/session/end/confirm"><input type="hidden" name="xsrf" value="s3cret"/></form>';
const base: LogoutViewProps = { nonce: 'nonce', form: raw(PROVIDER_FORM) };
const render = (p: Partial<LogoutViewProps> = {}) => renderDocument(logoutView({ ...base, ...p }));
const options = { allowedHosts: ['issuer.example'] };

void describe('logoutView', () => {
  void it('keeps the page invariants (the provider form posts to the issuer only)', () => {
    assertPageInvariants(render(), options);
    assertPageInvariants(render({ clientName: 'Acme Notes' }), options);
  });

  void it('asks whether to sign out', () => {
    const doc = render();
    elementWithText(doc, 'h1', 'Sign out');
    elementWithText(doc, 'p', 'Do you want to sign out of Portcullis?');
  });

  void it('renders the provider form untouched, with its xsrf input', () => {
    const doc = render();
    assert.ok(doc.includes(PROVIDER_FORM));
    assertCsrfInEveryPostForm(doc, 's3cret', 'xsrf');
  });

  void it('has a "Sign out" button sending logout=yes and a "Cancel" button without it, both for the provider form', () => {
    const doc = render();
    assert.ok(doc.includes('<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>'));
    assert.ok(doc.includes('<button type="submit" form="op.logoutForm">Cancel</button>'));
    const cancel = elementWithText(doc, 'button', 'Cancel');
    assert.equal(cancel.attrs.has('name'), false);
    assert.equal(cancel.attrs.has('value'), false);
    assert.equal(elements(doc, 'button').length, 2);
  });

  void it('places both buttons outside the form', () => {
    const doc = render();
    const formEnd = doc.indexOf('</form>');
    assert.ok(doc.indexOf('>Sign out</button>') > formEnd && doc.indexOf('>Cancel</button>') > formEnd);
  });

  void it('mentions the client when given, escaped', () => {
    assert.match(render({ clientName: 'Acme Notes' }), /<strong>Acme Notes<\/strong> asked to sign you out/);
    for (const payload of HOSTILE) {
      const doc = render({ clientName: payload });
      assertEscaped(doc, payload);
      assertPageInvariants(doc, options);
    }
  });
});
