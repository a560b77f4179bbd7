/** What each scope means to a person, shown on the consent page, in the request's language. */
import { message, type PlainMessageId } from '../messages/message.js';

const DESCRIPTIONS: Record<string, PlainMessageId> = {
  openid: 'view.scope.openid',
  profile: 'view.scope.profile',
  email: 'view.scope.email',
  offline_access: 'view.scope.offline_access',
};

export function describeScopes(scopes: string[]): { name: string; description: string }[] {
  return scopes.map((name) => {
    const id = DESCRIPTIONS[name];
    return { name, description: id ? message(id) : name };
  });
}
