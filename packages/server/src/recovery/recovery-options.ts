/** What tests may change about account links: the clock, the lifetimes, the forgot-password floor. */
import type { AccountLinksDeps } from './account-links.service.js';

export interface RecoveryOptions {
  now?: AccountLinksDeps['now'];
  lifetimes?: AccountLinksDeps['lifetimes'];
  /** The floor under every forgot-password answer, in ms (password-reset.service.ts). */
  minimumMs?: number;
}
