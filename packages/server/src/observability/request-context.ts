/**
 * What the one log line of a request reports beyond the HTTP basics: the client and account it
 * concerned. Code deep in a request (the audit observer, provider events) learns them before
 * the line is written, through AsyncLocalStorage, so no service locator hangs off `ctx`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestFacts {
  clientId?: string;
  accountId?: string;
}

export interface RequestContext {
  run<T>(facts: RequestFacts, task: () => T): T;
  /** Adds what is known (first value wins: the request's own client beats a later lookup). */
  note(facts: RequestFacts): void;
}

export function createRequestContext(): RequestContext {
  const storage = new AsyncLocalStorage<RequestFacts>();
  return {
    run: (facts, task) => storage.run(facts, task),
    note(facts) {
      const current = storage.getStore();
      if (!current) return;
      if (facts.clientId && !current.clientId) current.clientId = facts.clientId;
      if (facts.accountId && !current.accountId) current.accountId = facts.accountId;
    },
  };
}
