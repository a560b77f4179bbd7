/**
 * The recovery pages' texts in English ("Forgot password?", the pages mailed links open, email
 * change): part of the English table (messages.en.ts spreads them in), kept apart so the table
 * of every other page stays as it is. The same rules apply: stable dotted ids, `{parameters}`.
 */
export const recoveryMessagesEn = {
  'error.recovery.link_invalid': 'This link cannot be used. It may have expired, been used already, or been replaced by a newer one. Ask for a new link.',
  'error.recovery.email_unavailable': 'This address can no longer be used for your account. Nothing was changed.',
  'view.login.forgot_password': 'Forgot password?',
  'view.forgot.title': 'Reset your password',
  'view.forgot.intro': 'Enter the email address of your account. We will send you a link to choose a new password.',
  'view.forgot.submit': 'Send link',
  'view.forgot.back': 'Back to sign in',
  'view.forgot.sent_title': 'Check your email',
  'view.forgot.sent': 'If an account uses {email}, we have sent a link there to choose a new password. The link works once, for {minutes} minutes.',
  'view.forgot.sent_hint': 'No email? Check your spam folder, or ask again in a few minutes. Your second factor will still be asked when you sign in.',
  'view.reset.title': 'Choose a new password',
  'view.reset.intro': 'Afterwards you are signed out everywhere and sign in again with the new password.',
  'view.reset.submit': 'Set new password',
  'view.invite.title': 'Set your password',
  'view.invite.intro': 'Choose a password to finish setting up your account. Afterwards you sign in with it.',
  'view.invite.submit': 'Set password',
  'view.reset.done_title': 'Password set',
  'view.reset.done': 'Your password is set, and you were signed out everywhere. Sign in with your new password.',
  'view.reset.sign_in': 'Sign in',
  'view.link.unusable_title': 'This link cannot be used',
  'view.account.email': 'Email address',
  'view.account.change_email': 'Change email address',
  'view.email.title': 'Change email address',
  'view.email.intro': 'We send a link to the new address; your address changes when you follow it. We also tell your current address.',
  'view.email.new': 'New email address',
  'view.email.submit': 'Send verification link',
  'account.email_link_sent': 'If {email} can be used, we have sent a link there. Your address changes when you follow it within {minutes} minutes.',
  'view.email_confirm.title': 'Confirm your new email address',
  'view.email_confirm.intro': 'Use {email} as the email address of your account?',
  'view.email_confirm.submit': 'Use this address',
  'view.email_confirm.done_title': 'Email address changed',
  'view.email_confirm.done': 'Your email address is now {email}.',
} as const;
