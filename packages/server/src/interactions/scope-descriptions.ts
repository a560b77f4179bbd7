/** What each scope means to a person, shown on the consent page. */
const DESCRIPTIONS: Record<string, string> = {
  openid: 'Know who you are (a unique identifier for your account)',
  profile: 'See your name',
  email: 'See your email address and whether it is verified',
  offline_access: 'Stay connected when you are not using it (a refresh token)',
};

export function describeScopes(scopes: string[]): { name: string; description: string }[] {
  return scopes.map((name) => ({ name, description: DESCRIPTIONS[name] ?? name }));
}
