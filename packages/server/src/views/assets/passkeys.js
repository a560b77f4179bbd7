/* global document, window, URLSearchParams, fetch */
/*
 * Portcullis: the passkey script, served same-origin as /assets/passkeys.js after the WebAuthn
 * library's browser bundle (/assets/webauthn.js, global SimpleWebAuthnBrowser), both with the
 * page's CSP nonce. For each form[data-passkey] (views/passkey-parts.ts):
 * - when the browser has WebAuthn, hide the "needs JavaScript" note and show the button;
 * - on click: POST the form's CSRF token to data-options, run the ceremony with the options the
 *   server drew (registration or authentication), put its JSON in the hidden `response` and
 *   submit the form; the server checks everything. A cancelled or failed ceremony is announced in
 *   the form's role="alert" paragraph.
 */
(() => {
  'use strict';
  const lib = window.SimpleWebAuthnBrowser;
  if (!lib || !window.PublicKeyCredential) return;
  for (const form of document.querySelectorAll('form[data-passkey]')) {
    const button = form.querySelector('[data-passkey-start]');
    const note = form.querySelector('[data-passkey-nojs]');
    const error = form.querySelector('[data-passkey-error]');
    const response = form.querySelector('input[name="response"]');
    const csrf = form.querySelector('input[name="csrf"]');
    if (!button || !response || !csrf) continue;
    if (note) note.hidden = true;
    button.hidden = false;
    const fail = () => {
      button.disabled = false;
      if (!error) return;
      error.setAttribute('role', 'alert');
      error.textContent = error.dataset.failed || '';
      error.hidden = false;
    };
    button.addEventListener('click', async () => {
      if (!form.reportValidity()) return;
      button.disabled = true;
      if (error) error.hidden = true;
      try {
        const answer = await fetch(form.dataset.options || '', {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ csrf: csrf.value }).toString(),
        });
        if (!answer.ok) return fail();
        const { options } = await answer.json();
        const result = form.dataset.passkey === 'register'
          ? await lib.startRegistration({ optionsJSON: options })
          : await lib.startAuthentication({ optionsJSON: options });
        response.value = JSON.stringify(result);
        form.submit();
      } catch {
        fail();
      }
    });
  }
})();
