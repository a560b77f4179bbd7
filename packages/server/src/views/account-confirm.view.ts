// A one-field confirmation on the account page for actions that need proof of the second
// factor: regenerating recovery codes (a current code) and turning the authenticator app off
// (a current code or a recovery code). One labelled input, one button, a way back.
import { html, safeUrl } from '../http/html.js';
import type { SafeHtml } from '../http/html.js';
import { layoutView } from './layout.view.js';
import { alertBox, postForm, textField } from './parts.js';
import { message } from '../messages/message.js';

export interface AccountConfirmViewProps {
  nonce: string;
  csrfToken: string;
  title: string;
  intro: string;
  action: string;
  label: string;
  hint?: string;
  numeric: boolean;
  button: string;
  error?: string;
}

export function accountConfirmView(p: AccountConfirmViewProps): SafeHtml {
  const field = textField({
    id: 'code',
    name: 'code',
    label: p.label,
    type: 'text',
    autocomplete: p.numeric ? 'one-time-code' : 'off',
    ...(p.numeric && { inputMode: 'numeric' as const }),
    ...(p.hint !== undefined && { hint: p.hint }),
    required: true,
    autofocus: true,
  });
  const body = html`<h1>${p.title}</h1>
<p>${p.intro}</p>
${alertBox(p.error)}
${postForm(p.action, p.csrfToken, html`${field}
  <button type="submit" class="button button-block">${p.button}</button>`)}
<p class="form-footer"><a href="${safeUrl('/account')}">${message('next.back_to_account')}</a></p>`;

  return layoutView({ title: p.title, body, nonce: p.nonce });
}
