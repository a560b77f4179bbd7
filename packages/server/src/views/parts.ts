// Building blocks shared by the page views.
// - Every value goes through `html`, so it is escaped; URLs also go through `safeUrl`.
// - `textField` always pairs `<label for>` with the input's id, and links a hint by aria-describedby.
// - `postForm` always carries the CSRF hidden input (SECURITY.md A12): no POST form can be built without it.
import { html, safeUrl } from '../http/html.js';
import type { HtmlValue, SafeHtml } from '../http/html.js';
import { SCRIPT_HREF } from './assets.js';
import { message } from '../messages/message.js';

/** The hidden input every state-changing form carries; the server checks it on POST. */
export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}">`;
}

/** A POST form to `action` with the CSRF input first. */
export function postForm(action: string, csrfToken: string, content: HtmlValue, className?: string): SafeHtml {
  const cls = className === undefined ? null : html` class="${className}"`;
  return html`<form method="post" action="${safeUrl(action)}"${cls}>
  ${csrfInput(csrfToken)}
  ${content}
</form>`;
}

/** An error message announced by screen readers; nothing when there is no message. */
export function alertBox(message: string | undefined): SafeHtml | null {
  return message ? html`<p role="alert" class="alert">${message}</p>` : null;
}

export interface TextFieldOptions {
  id: string;
  name: string;
  label: string;
  type: 'email' | 'text' | 'password';
  autocomplete: string;
  value?: string | undefined;
  required?: boolean;
  minLength?: number;
  hint?: string;
  /** The on-screen keyboard to offer, e.g. `numeric` for one-time codes. */
  inputMode?: 'numeric' | 'text';
  /** The field the page puts the cursor in: the first one the person has to fill. */
  autofocus?: boolean;
  /** Shown and sent but not editable (the account a password belongs to, for password managers). */
  readOnly?: boolean;
}

/** A labelled input. The hint sits between label and input, where it is read before typing. */
export function textField(o: TextFieldOptions): SafeHtml {
  const hintId = `${o.id}-hint`;
  const hint = o.hint === undefined ? null : html`<p id="${hintId}" class="hint">${o.hint}</p>`;
  const attrs = html`${o.value === undefined ? null : html` value="${o.value}"`}${
    o.minLength === undefined ? null : html` minlength="${o.minLength}"`
  }${hint ? html` aria-describedby="${hintId}"` : null}${o.inputMode === undefined ? null : html` inputmode="${o.inputMode}"`}${
    o.required ? html` required` : null
  }${o.readOnly ? html` readonly` : null}${o.autofocus ? html` autofocus` : null}`;
  return html`<div class="field">
  <label for="${o.id}">${o.label}</label>${hint}
  <input id="${o.id}" name="${o.name}" type="${o.type}" autocomplete="${o.autocomplete}"${attrs}>
</div>`;
}

/** The "Email" field of the sign-in and registration forms; the browser fills it as the username. */
export function emailField(value: string | undefined, autofocus = false): SafeHtml {
  return textField({ id: 'email', name: 'email', label: message('view.field.email'), type: 'email', autocomplete: 'username', value, required: true, autofocus });
}

/**
 * The pages' script (local times, copy and print buttons, the email carried to registration),
 * allowed by the page's CSP nonce; a page that includes it still works without it.
 */
export function pageScript(nonce: string): SafeHtml {
  return html`<script src="${SCRIPT_HREF}" nonce="${nonce}" defer></script>`;
}

/**
 * A moment as `<time datetime>`: UTC text in the page (the no-script fallback), turned into the
 * reader's local time by the page script (`data-local`).
 */
export function localTime(seconds: number | undefined): SafeHtml | string {
  if (seconds === undefined) return message('view.sessions.unknown');
  const iso = new Date(seconds * 1000).toISOString();
  return html`<time datetime="${iso}" data-local>${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
