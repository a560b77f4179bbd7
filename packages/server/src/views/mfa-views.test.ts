import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { renderDocument } from '../http/html.js';
import { secondFactorView } from './second-factor.view.js';
import { totpSetupView, totpStartView } from './totp-setup.view.js';
import { recoveryCodesView } from './recovery-codes.view.js';
import { accountView } from './account.view.js';
import { accountPasswordView } from './account-password.view.js';
import { accountConfirmView } from './account-confirm.view.js';
import { HOSTILE, assertCsrfInEveryPostForm, assertEscaped, assertPageInvariants, elementWithText, elements, inputByLabel, postForms } from './views.test-support.js';

const QR = 'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=';

void describe('second-factor and account views', () => {
  void it('asks for a "Code" with "Verify", and switches to a "Recovery code" by a link', () => {
    const totp = renderDocument(secondFactorView({ nonce: 'n', csrfToken: 't', mode: 'totp', action: '/i/u/totp', switchHref: '/i/u/recovery', app: true }));
    assertPageInvariants(totp);
    assertCsrfInEveryPostForm(totp, 't');
    const code = inputByLabel(totp, 'Code');
    assert.deepEqual([code.get('autocomplete'), code.get('inputmode')], ['one-time-code', 'numeric']);
    elementWithText(totp, 'button', 'Verify');
    assert.equal(elementWithText(totp, 'a', 'Use a recovery code').attrs.get('href'), '/i/u/recovery');
    const recovery = renderDocument(secondFactorView({ nonce: 'n', csrfToken: 't', mode: 'recovery', action: '/i/u/recovery', switchHref: '/i/u', error: 'Nope', app: true }));
    assertPageInvariants(recovery);
    inputByLabel(recovery, 'Recovery code');
    assert.equal(elementWithText(recovery, 'p', 'Nope').attrs.get('role'), 'alert');
  });

  void it('shows the QR code as a data: image with alt text and the setup key as text', () => {
    const doc = renderDocument(totpSetupView({ nonce: 'n', csrfToken: 't', action: '/account/totp/setup', qrCodeDataUrl: QR, secret: 'ABCDEFGHIJKLMNOP', cancelHref: '/account' }));
    assertPageInvariants(doc);
    assertCsrfInEveryPostForm(doc, 't');
    const img = /<img class="qr-code" src="([^"]+)"[^>]*alt="([^"]+)"/.exec(doc);
    assert.equal(img?.[1], QR);
    assert.match(img?.[2] ?? '', /QR code/);
    assert.match(doc, /<code class="secret" id="totp-secret">ABCD EFGH IJKL MNOP<\/code>/);
    inputByLabel(doc, 'Code');
    elementWithText(doc, 'button', 'Verify');
    const hostile = renderDocument(totpSetupView({ nonce: 'n', csrfToken: 't', action: '/a', qrCodeDataUrl: 'javascript:alert(1)', secret: 'S' }));
    assert.doesNotMatch(hostile, /javascript:/, 'only a base64 SVG data: URL is drawn');
  });

  void it('lists recovery codes one per <li>, or says they were shown already', () => {
    const codes = ['AAAA-BBBB-CCCC-DDDD', 'EEEE-FFFF-GGGG-HHHH'];
    const doc = renderDocument(recoveryCodesView({ nonce: 'n', codes, next: { kind: 'form', action: '/i/u/continue', csrfToken: 't', label: 'Continue' } }));
    assertPageInvariants(doc);
    assert.deepEqual(elements(doc, 'li').map((li) => li.text), codes);
    assertCsrfInEveryPostForm(doc, 't');
    const again = renderDocument(recoveryCodesView({ nonce: 'n', next: { kind: 'link', href: '/account', label: 'Back to your account' } }));
    assert.equal(elements(again, 'li').length, 0);
    assert.match(again, /shown once/);
  });

  void it('shows the account with its actions, a "Sign out" form, and escapes the email', () => {
    for (const mfaEnabled of [false, true]) {
      const doc = renderDocument(accountView({ nonce: 'n', csrfToken: 't', email: HOSTILE[0], mfaEnabled, recoveryCodesLeft: 7, passkeys: 0, notice: 'Done' }));
      assertPageInvariants(doc);
      assertEscaped(doc, HOSTILE[0]);
      assertCsrfInEveryPostForm(doc, 't');
      elementWithText(doc, 'button', 'Sign out');
      elementWithText(doc, 'a', 'Change password');
      // Turning off leads to a page that asks for a code; setting up stores a seed, so it is a POST button.
      if (mfaEnabled) elementWithText(doc, 'a', 'Turn off authenticator app');
      else assert.ok(postForms(doc).some((form) => form.attrs.get('action') === '/account/totp/start' && form.inner.includes('Set up authenticator app')), 'a POST form starts the setup');
      assert.equal(doc.includes('7 of 10 recovery codes left'), mfaEnabled);
      assert.equal(elementWithText(doc, 'p', 'Done').attrs.get('role'), 'status');
    }
  });

  void it('labels the password-change and confirmation forms', () => {
    const password = renderDocument(accountPasswordView({ nonce: 'n', csrfToken: 't', passwordMinLength: 8, email: 'ada@example.com', error: 'Bad' }));
    assertPageInvariants(password);
    assert.equal(inputByLabel(password, 'Current password').get('autocomplete'), 'current-password');
    assert.equal(inputByLabel(password, 'New password').get('autocomplete'), 'new-password');
    assert.equal(inputByLabel(password, 'Confirm new password').get('autocomplete'), 'new-password');
    const username = inputByLabel(password, 'Account');
    assert.equal(username.get('autocomplete'), 'username');
    assert.equal(username.get('value'), 'ada@example.com');
    assert.ok(username.has('readonly'));
    elementWithText(password, 'button', 'Change password');
    const confirm = renderDocument(accountConfirmView({ nonce: 'n', csrfToken: 't', title: 'Turn off authenticator app', intro: 'x', action: '/account/totp/disable', label: 'Code or recovery code', numeric: false, button: 'Turn off authenticator app' }));
    assertPageInvariants(confirm);
    assertCsrfInEveryPostForm(confirm, 't');
    inputByLabel(confirm, 'Code or recovery code');
  });

  void it('starts an enrolment inside a sign-in with one CSRF-carrying POST button, and shows no seed', () => {
    const doc = renderDocument(totpStartView({ nonce: 'n', csrfToken: 't', action: '/interaction/abc/enrol/start', intro: HOSTILE[0] }));
    assertPageInvariants(doc);
    assertCsrfInEveryPostForm(doc, 't');
    assertEscaped(doc, HOSTILE[0]);
    elementWithText(doc, 'h1', 'Set up authenticator app');
    assert.equal(elementWithText(doc, 'button', 'Set up authenticator app').attrs.get('type'), 'submit');
    assert.deepEqual(postForms(doc).map((f) => f.attrs.get('action')), ['/interaction/abc/enrol/start']);
    assert.doesNotMatch(doc, /data:image|totp-secret/);
  });
});
