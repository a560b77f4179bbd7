// Server-rendered pages: one pure `(props) => SafeHtml` per page; pass the result to renderDocument().
export { STYLESHEET_FILE, STYLESHEET_HREF } from './assets.js';
export { consentView } from './consent.view.js';
export type { ConsentScope, ConsentViewProps } from './consent.view.js';
export { demoHomeView } from './demo.view.js';
export type { DemoHomeViewProps, DemoSignedIn } from './demo.view.js';
export { errorView } from './error.view.js';
export type { ErrorViewProps } from './error.view.js';
export { layoutView } from './layout.view.js';
export type { LayoutProps } from './layout.view.js';
export { loginView } from './login.view.js';
export type { LoginViewProps } from './login.view.js';
export { logoutSuccessView } from './logout-success.view.js';
export type { LogoutSuccessViewProps } from './logout-success.view.js';
export { logoutView } from './logout.view.js';
export type { LogoutViewProps } from './logout.view.js';
export { registerView } from './register.view.js';
export type { RegisterViewProps } from './register.view.js';
