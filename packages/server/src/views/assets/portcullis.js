/* global document, window, navigator, URL, HTMLInputElement */
/*
 * Portcullis: the one script of the server-rendered pages, served same-origin as
 * /assets/portcullis.js and loaded with the page's CSP nonce. Every page works without it; it only
 * adds what a browser cannot do from markup alone:
 * - <time datetime data-local> shows the reader's own local time (the UTC text is the fallback);
 * - a link with data-carry-email takes the email typed in #email along (to registration);
 * - buttons with data-copy (copies the text of the element it names) and data-print are shown
 *   and wired; their result is announced in the element named by data-status.
 */
(() => {
  'use strict';
  const lang = document.documentElement.lang || undefined;
  const format = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
  const zone = new Intl.DateTimeFormat(lang, { timeZoneName: 'short' });
  for (const element of document.querySelectorAll('time[data-local]')) {
    const date = new Date(element.getAttribute('datetime') || '');
    if (Number.isNaN(date.getTime())) continue;
    const name = zone.formatToParts(date).find((part) => part.type === 'timeZoneName');
    element.textContent = `${format.format(date)}${name ? ` ${name.value}` : ''}`;
  }

  const email = document.getElementById('email');
  for (const link of document.querySelectorAll('a[data-carry-email]')) {
    link.addEventListener('click', () => {
      if (!(email instanceof HTMLInputElement) || !email.value.trim()) return;
      const url = new URL(link.href);
      url.searchParams.set('email', email.value.trim());
      link.href = url.href;
    });
  }

  const announce = (button, text) => {
    const status = document.getElementById(button.dataset.status || '');
    if (status) status.textContent = text;
  };
  for (const button of document.querySelectorAll('button[data-copy]')) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      const source = document.getElementById(button.dataset.copy || '');
      if (!source || !navigator.clipboard) return;
      try {
        await navigator.clipboard.writeText(source.innerText.trim());
        announce(button, button.dataset.done || '');
      } catch {
        announce(button, button.dataset.failed || '');
      }
    });
  }
  for (const button of document.querySelectorAll('button[data-print]')) {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  }
})();
