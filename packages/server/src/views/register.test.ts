import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderDocument } from '../http/html.js';
import { passwordHint, registerView } from './register.view.js';
import type { RegisterViewProps } from './register.view.js';
import {
  HOSTILE,
  assertCsrfInEveryPostForm,
  assertEscaped,
  assertPageInvariants,
  elementWithText,
  inputByLabel,
  postForms,
  tags,
} from './views.test-support.js';

const base: RegisterViewProps = {
  nonce: 'nonce',
  csrfToken: 'csrf-token-2',
  action: '/interaction/abc/register',
  loginHref: '/interaction/abc',
  passwordMinLength: 8,
};
const render = (p: Partial<RegisterViewProps> = {}) => renderDocument(registerView({ ...base, ...p }));

void describe('registerView', () => {
  void it('keeps the page invariants', () => {
    assertPageInvariants(render());
    assertPageInvariants(render({ email: 'a@b.example', name: 'A', error: 'Nope' }));
  });

  void it('posts to the action with the CSRF token', () => {
    const doc = render();
    assert.equal(postForms(doc)[0]?.attrs.get('action'), base.action);
    assertCsrfInEveryPostForm(doc, base.csrfToken);
  });

  void it('has a "Create account" heading and button, and a "Sign in instead" link', () => {
    const doc = render();
    elementWithText(doc, 'h1', 'Create account');
    assert.equal(elementWithText(doc, 'button', 'Create account').attrs.get('type'), 'submit');
    assert.equal(elementWithText(doc, 'a', 'Sign in instead').attrs.get('href'), base.loginHref);
  });

  void it('labels the email and the optional name', () => {
    const doc = render();
    const email = inputByLabel(doc, 'Email');
    assert.deepEqual([email.get('name'), email.get('type'), email.get('autocomplete')], ['email', 'email', 'username']);
    const name = inputByLabel(doc, 'Name');
    assert.deepEqual([name.get('name'), name.get('autocomplete'), name.has('required')], ['name', 'name', false]);
  });

  void it('asks for a new password with a minimum length only: no maximum, no pattern, paste allowed', () => {
    const doc = render({ passwordMinLength: 12 });
    const password = inputByLabel(doc, 'Password');
    assert.equal(password.get('name'), 'password');
    assert.equal(password.get('type'), 'password');
    assert.equal(password.get('autocomplete'), 'new-password');
    assert.equal(password.get('minlength'), '12');
    for (const forbidden of ['maxlength', 'pattern', 'onpaste', 'value']) assert.equal(password.has(forbidden), false, forbidden);
  });

  void it('describes the password rules in a hint linked by aria-describedby', () => {
    const doc = render({ passwordMinLength: 8 });
    const hintId = inputByLabel(doc, 'Password').get('aria-describedby');
    assert.ok(hintId);
    const hint = elementWithText(doc, 'p', passwordHint(8));
    assert.equal(hint.attrs.get('id'), hintId);
    assert.equal(
      passwordHint(8),
      'At least 8 characters; 15 or more is recommended. Any characters are allowed, including spaces. Common passwords are refused.',
    );
  });

  void it('shows the error in role="alert"', () => {
    assert.equal(elementWithText(render({ error: 'That email cannot be used.' }), 'p', 'That email cannot be used.').attrs.get('role'), 'alert');
    assert.equal(tags(render()).filter((t) => t.attrs.get('role') === 'alert').length, 0);
  });

  void it('echoes email and name back', () => {
    const doc = render({ email: 'a@b.example', name: 'Zoë Ça' });
    assert.equal(inputByLabel(doc, 'Email').get('value'), 'a@b.example');
    assert.equal(inputByLabel(doc, 'Name').get('value'), 'Zoë Ça');
  });

  void it('escapes email, name and error', () => {
    for (const payload of HOSTILE) {
      const doc = render({ email: payload, name: payload, error: payload });
      assertEscaped(doc, payload);
      assertPageInvariants(doc);
      assert.equal(inputByLabel(doc, 'Name').get('value'), payload);
    }
  });
});
