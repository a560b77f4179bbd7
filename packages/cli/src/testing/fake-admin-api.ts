/**
 * A real HTTP server on 127.0.0.1:<random port> standing in for the admin API in tests.
 * It records every request (method, path with query, headers, parsed JSON body) and answers with
 * whatever the current `reply` function returns, so each test states the server behaviour it needs.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach } from 'node:test';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

export interface FakeReply {
  status: number;
  body?: unknown;
}

export interface FakeAdminApi {
  port: number;
  requests: RecordedRequest[];
  /** Replace per test; the default answers 500 so a forgotten reply fails loudly. */
  reply: (request: RecordedRequest) => FakeReply;
  close(): Promise<void>;
}

/**
 * The fake for the enclosing `describe`: listening before its tests, its recorded requests
 * emptied before each test, closed after them. The object is handed out at once and filled in
 * when the server starts, so a suite can hold it in a `const`.
 */
export function useFakeAdminApi(): FakeAdminApi {
  const api = {} as FakeAdminApi;
  before(() => startFakeAdminApi(api));
  after(() => api.close());
  beforeEach(() => {
    api.requests.length = 0;
  });
  return api;
}

/** Starts a fake admin API; with `into`, that object becomes the fake (see useFakeAdminApi). */
export async function startFakeAdminApi(into: Partial<FakeAdminApi> = {}): Promise<FakeAdminApi> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: text === '' ? undefined : (JSON.parse(text) as unknown),
      };
      api.requests.push(recorded);
      const { status, body } = api.reply(recorded);
      res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const api = Object.assign(into, {
    port: (server.address() as AddressInfo).port,
    requests: [],
    reply: () => ({ status: 500, body: { error: 'test.no_reply', message: 'the test set no reply' } }),
    close: async () => {
      // fetch keeps sockets alive; without this, close() would wait for them to time out.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  });
  return api;
}
