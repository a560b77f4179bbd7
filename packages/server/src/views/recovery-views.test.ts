import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderDocument } from '../http/html.js';
import { forgotPasswordView } from './forgot-password.view.js';
import { resetPasswordView } from './reset-password.view.js';
import { emailChangeView, emailConfirmView } from './email-change.view.js';
import { loginView } from './login.view.js';
import { runWithLocale } from '../messages/locale-scope.js';
import { MAIL_TEMPLATES } from '../mail/templates/index.js';
import { HOSTILE, assertCsrfInEveryPostForm, assertEscaped, assertPageInvariants, elementWithText, inputByLabel, postForms } from './views.test-support.js';

void describe('recovery views', () => {
  void it('the sign-in page links "Forgot password?" to the interaction\'s request form', () => {
    const doc = renderDocument(loginView({ nonce: 'n', csrfToken: 't', action: '/interaction/abc/login', registerHref: '/interaction/abc/register', forgotHref: '/interaction/abc/forgot' }));
    assert.equal(elementWithText(doc, 'a', 'Forgot password?').attrs.get('href'), '/interaction/abc/forgot');
  });

  void it('forgot password: an email form with CSRF and the way back; after sending, the same page for any address', () => {
    const form = renderDocument(forgotPasswordView({ nonce: 'n', csrfToken: 'tok', action: '/interaction/abc/forgot', loginHref: '/interaction/abc' }));
    assertPageInvariants(form);
    assertCsrfInEveryPostForm(form, 'tok');
    assert.equal(inputByLabel(form, 'Email').get('type'), 'email');
    assert.equal(elementWithText(form, 'a', 'Back to sign in').attrs.get('href'), '/interaction/abc');
    for (const payload of HOSTILE) {
      const sent = renderDocument(forgotPasswordView({ nonce: 'n', csrfToken: 'tok', action: '/x', loginHref: '/interaction/abc', sent: { email: payload, minutes: 30 } }));
      assertPageInvariants(sent);
      assertEscaped(sent, payload);
      assert.equal(postForms(sent).length, 0);
      elementWithText(sent, 'h1', 'Check your email');
    }
  });

  void it('reset and invitation: two new-password fields, never echoed, a read-only username; the outcomes offer "Sign in"', () => {
    for (const purpose of ['reset', 'invite'] as const) {
      const doc = renderDocument(resetPasswordView({ nonce: 'n', purpose, form: { csrfToken: 'tok', action: `/recover/${purpose}/x`, email: HOSTILE[0], passwordMinLength: 8, error: HOSTILE[1] } }));
      assertPageInvariants(doc);
      assertCsrfInEveryPostForm(doc, 'tok');
      assertEscaped(doc, HOSTILE[0]);
      assertEscaped(doc, HOSTILE[1]);
      elementWithText(doc, 'h1', purpose === 'reset' ? 'Choose a new password' : 'Set your password');
      for (const label of ['New password', 'Confirm new password']) {
        const input = inputByLabel(doc, label);
        assert.deepEqual([input.get('type'), input.get('autocomplete'), input.has('value')], ['password', 'new-password', false]);
      }
      assert.equal(inputByLabel(doc, 'Account').has('readonly'), true);
    }
    const done = renderDocument(resetPasswordView({ nonce: 'n', purpose: 'reset', outcome: { kind: 'done', signInHref: '/interaction/abc' } }));
    assert.equal(elementWithText(done, 'a', 'Sign in').attrs.get('href'), '/interaction/abc');
    const unusable = renderDocument(resetPasswordView({ nonce: 'n', purpose: 'reset', outcome: { kind: 'unusable', signInHref: '/account' } }));
    elementWithText(unusable, 'h1', 'This link cannot be used');
    assert.equal(postForms(unusable).length, 0);
  });

  void it('email change: new address and current password with CSRF; the link page confirms with a POST', () => {
    const doc = renderDocument(emailChangeView({ nonce: 'n', csrfToken: 'tok', email: 'a@b.example', newEmail: HOSTILE[1], error: HOSTILE[0] }));
    assertPageInvariants(doc);
    assertCsrfInEveryPostForm(doc, 'tok');
    assertEscaped(doc, HOSTILE[0]);
    assert.equal(inputByLabel(doc, 'New email address').get('type'), 'email');
    assert.equal(inputByLabel(doc, 'Current password').get('autocomplete'), 'current-password');
    const confirm = renderDocument(emailConfirmView({ nonce: 'n', form: { csrfToken: 'tok', action: '/recover/email/x', newEmail: HOSTILE[0] } }));
    assertPageInvariants(confirm);
    assertCsrfInEveryPostForm(confirm, 'tok');
    assertEscaped(confirm, HOSTILE[0]);
    assert.equal(elementWithText(confirm, 'button', 'Use this address').attrs.get('type'), 'submit');
  });

  void it('speaks German and French on the pages and in the mails', () => {
    const forgot = (locale: 'de' | 'fr') => runWithLocale(locale, () => renderDocument(forgotPasswordView({ nonce: 'n', csrfToken: 't', action: '/x', loginHref: '/y' })));
    elementWithText(forgot('de'), 'h1', 'Passwort zurücksetzen');
    elementWithText(forgot('fr'), 'h1', 'Réinitialiser votre mot de passe');
    const context = (locale: 'de' | 'fr') => ({ locale, productName: 'Acme' });
    const link = 'https://id.example/recover/reset/abc';
    assert.match(MAIL_TEMPLATES.password_reset.render({ link, minutes: 30 }, context('de')).subject, /Passwort für Acme zurücksetzen/);
    assert.match(MAIL_TEMPLATES.account_invite.render({ link, hours: 72 }, context('fr')).text, /expire dans 72 heures/);
    assert.match(MAIL_TEMPLATES.password_changed.render({ passkeys: 0 }, context('de')).subject, /wurde geändert/);
    assert.doesNotMatch(MAIL_TEMPLATES.password_changed.render({ passkeys: 0 }, context('de')).text, /Passkey/);
    assert.match(MAIL_TEMPLATES.password_changed.render({ passkeys: 2 }, context('fr')).text, /2 clés d’accès permettent toujours/);
    assert.match(MAIL_TEMPLATES.passkey_added.render({ name: '<i>Laptop</i>' }, context('de')).html, /„&lt;i&gt;Laptop&lt;\/i&gt;“ hinzugefügt/);
    assert.match(MAIL_TEMPLATES.email_change_verify.render({ link, minutes: 60 }, context('fr')).html, /Confirmer cette adresse/);
    assert.match(MAIL_TEMPLATES.email_change_notice.render({ newEmail: '<b>x@y.example</b>' }, context('de')).html, /&lt;b&gt;x@y\.example/);
  });
});
