import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BLOCKED_URL, renderDocument } from '../http/html.js';
import { demoHomeView } from './demo.view.js';
import type { DemoHomeViewProps, DemoSignedIn } from './demo.view.js';
import { HOSTILE, assertEscaped, assertPageInvariants, decode, elementWithText, elements, postForms } from './views.test-support.js';

const signedIn: DemoSignedIn = {
  claims: { iss: 'https://issuer.example', sub: 'u1', aud: 'demo', email: 'ada@example.com' },
  userinfo: { sub: 'u1', email: 'ada@example.com', name: 'Ada' },
  idToken: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ1MSJ9.sig',
};
const base: DemoHomeViewProps = { nonce: 'nonce', signInHref: '/demo/login' };
const render = (p: Partial<DemoHomeViewProps> = {}) => renderDocument(demoHomeView({ ...base, ...p }));
const options = { allowedHosts: ['issuer.example'] };

void describe('demoHomeView', () => {
  void it('explains what the demo is, titled "Portcullis demo"', () => {
    const doc = render();
    assertPageInvariants(doc);
    elementWithText(doc, 'h1', 'Portcullis demo');
    assert.match(doc, /OpenID Connect client/);
    assert.match(doc, /authorization code flow with PKCE/);
    assert.equal(postForms(doc).length, 0, 'nothing is posted from the demo page');
  });

  void it('offers a "Sign in" link styled as a button when signed out', () => {
    const link = elementWithText(render(), 'a', 'Sign in');
    assert.equal(link.attrs.get('href'), '/demo/login');
    assert.match(link.attrs.get('class') ?? '', /\bbutton\b/);
    assert.doesNotMatch(render(), /ID token claims|Sign out/);
  });

  void it('shows claims and userinfo as pretty JSON, with sign-out and sign-in-again links, when signed in', () => {
    const doc = render({ signedIn, signOutHref: '/demo/logout' });
    assertPageInvariants(doc, options);
    elementWithText(doc, 'h2', 'Signed in');
    elementWithText(doc, 'h3', 'ID token claims');
    elementWithText(doc, 'h3', 'Userinfo');
    const codes = elements(doc, 'pre').map((pre) => decode(pre.inner.replace(/<\/?code>/g, '')));
    assert.ok(codes.includes(JSON.stringify(signedIn.claims, null, 2)));
    assert.ok(codes.includes(JSON.stringify(signedIn.userinfo, null, 2)));
    assert.equal(elementWithText(doc, 'a', 'Sign out').attrs.get('href'), '/demo/logout');
    assert.equal(elementWithText(doc, 'a', 'Sign in again').attrs.get('href'), '/demo/login');
  });

  void it('shows the error in role="alert"', () => {
    assert.equal(elementWithText(render({ error: 'Sign-in failed.' }), 'p', 'Sign-in failed.').attrs.get('role'), 'alert');
  });

  void it('escapes claims, userinfo, the token and the error', () => {
    for (const payload of HOSTILE) {
      const hostile: DemoSignedIn = { claims: { name: payload }, userinfo: { [payload]: payload }, idToken: payload };
      const doc = render({ signedIn: hostile, signOutHref: '/demo/logout', error: payload });
      assert.doesNotMatch(doc, /<script|<img/);
      assertEscaped(doc, payload);
      assertPageInvariants(doc);
    }
  });

  void it('blocks script URLs in its links', () => {
    const doc = render({ signInHref: 'javascript:alert(1)' });
    assert.equal(elementWithText(doc, 'a', 'Sign in').attrs.get('href'), BLOCKED_URL);
  });
});
