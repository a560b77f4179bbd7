/**
 * The URLs of the pages a recovery link opens, outside any interaction (the link is read in a
 * mail client, maybe on another device). The purpose is part of the path, so a link made for one
 * purpose never works on another's page.
 */
export const RECOVERY_PREFIX = '/recover';

export const recoveryPaths = {
  password: (purpose: 'reset' | 'invite', token: string) => `${RECOVERY_PREFIX}/${purpose}/${token}`,
  email: (token: string) => `${RECOVERY_PREFIX}/email/${token}`,
};
