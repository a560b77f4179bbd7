import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BLOCKED_URL, renderDocument } from '../http/html.js';
import { loginView } from './login.view.js';
import type { LoginViewProps } from './login.view.js';
import {
  HOSTILE,
  assertCsrfInEveryPostForm,
  assertEscaped,
  assertPageInvariants,
  elementWithText,
  elements,
  inputByLabel,
  postForms,
} from './views.test-support.js';

const base: LoginViewProps = {
  nonce: 'nonce',
  csrfToken: 'csrf-token-1',
  action: '/interaction/abc/login',
  registerHref: '/interaction/abc/register',
  forgotHref: '/interaction/abc/forgot',
};
const render = (p: Partial<LoginViewProps> = {}) => renderDocument(loginView({ ...base, ...p }));

void describe('loginView', () => {
  void it('keeps the page invariants', () => {
    assertPageInvariants(render());
    assertPageInvariants(render({ email: 'a@b.example', error: 'Wrong', clientName: 'App' }));
  });

  void it('posts to the action with the CSRF token', () => {
    const doc = render();
    assert.equal(postForms(doc).length, 1);
    assert.equal(postForms(doc)[0]?.attrs.get('action'), base.action);
    assertCsrfInEveryPostForm(doc, base.csrfToken);
  });

  void it('has a "Sign in" heading, labelled email and password inputs and a "Sign in" button', () => {
    const doc = render();
    elementWithText(doc, 'h1', 'Sign in');
    const email = inputByLabel(doc, 'Email');
    assert.deepEqual(
      [email.get('name'), email.get('type'), email.get('autocomplete'), email.has('required')],
      ['email', 'email', 'username', true],
    );
    const password = inputByLabel(doc, 'Password');
    assert.deepEqual(
      [password.get('name'), password.get('type'), password.get('autocomplete'), password.has('required')],
      ['password', 'password', 'current-password', true],
    );
    assert.equal(password.has('value'), false, 'password is never echoed');
    assert.equal(elementWithText(doc, 'button', 'Sign in').attrs.get('type'), 'submit');
  });

  void it('links to registration with the text "Create account"', () => {
    assert.equal(elementWithText(render(), 'a', 'Create account').attrs.get('href'), base.registerHref);
  });

  void it('names the client when given and not otherwise', () => {
    assert.match(render({ clientName: 'Acme Notes' }), /to continue to <strong>Acme Notes<\/strong>/);
    assert.doesNotMatch(render(), /to continue to/);
  });

  void it('shows the error in role="alert" only when there is one', () => {
    assert.equal(elements(render(), 'p').filter((p) => p.attrs.get('role') === 'alert').length, 0);
    const alert = elementWithText(render({ error: 'Invalid email or password.' }), 'p', 'Invalid email or password.');
    assert.equal(alert.attrs.get('role'), 'alert');
    assert.equal(alert.attrs.get('class'), 'alert');
  });

  void it('echoes the email back into the field', () => {
    assert.equal(inputByLabel(render({ email: 'zoë@example.com' }), 'Email').get('value'), 'zoë@example.com');
  });

  void it('escapes email, error and client name', () => {
    for (const payload of HOSTILE) {
      const doc = render({ email: payload, error: payload, clientName: payload });
      assertEscaped(doc, payload);
      assertPageInvariants(doc);
      assert.equal(inputByLabel(doc, 'Email').get('value'), payload, 'the value round-trips as text');
    }
  });

  void it('escapes the CSRF token and blocks script URLs in action and links', () => {
    const doc = render({ csrfToken: HOSTILE[1], action: 'javascript:alert(1)', registerHref: 'javascript:alert(1)' });
    assertEscaped(doc, HOSTILE[1]);
    assert.equal(postForms(doc)[0]?.attrs.get('action'), BLOCKED_URL);
    assert.equal(elementWithText(doc, 'a', 'Create account').attrs.get('href'), BLOCKED_URL);
  });
});
