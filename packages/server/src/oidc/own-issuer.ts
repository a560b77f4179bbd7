/**
 * The built-in relying parties (the account page, the demo) talk to this very server without
 * leaving the machine. They used to call the public ISSUER URL over the network, so an instance
 * that could not reach its own public URL (a firewall, split DNS, a load balancer that does not
 * hairpin) answered /account and /demo with a 500 and a log line saying only `fetch failed`.
 *
 * Now every request for the issuer's origin (discovery, token, userinfo) goes to this instance's
 * own public listener on loopback, with the issuer's Host: the same HTTP path through Koa and the
 * provider as any client's, with every protocol check openid-client and the provider make, just
 * not through DNS, TLS offload or a proxy. ctx.href is pinned to ISSUER (http/issuer-origin.ts),
 * so discovery still names the public URLs. Requests for any other origin use the global fetch.
 *
 * When even that fails (the listener is gone), the page says the service is unavailable (503)
 * and the log names ISSUER and the listener it tried.
 */
import http from 'node:http';
import * as oidc from 'openid-client';
import type { Logger } from '../observability/logger.js';
import { AppError } from '../http/app-error.js';
import { errorMessage } from '../error-message.js';

/** What openid-client hands its `customFetch` (oauth4webapi's CustomFetchOptions). */
export interface OwnFetchOptions {
  method: string;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}
export type OwnIssuerFetch = (url: string, options: OwnFetchOptions) => Promise<Response>;

/** Where this instance's public listener can be dialled from the instance itself. */
export function loopbackOf(host: string): string {
  if (host === 'localhost' || host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '::1';
  return host.replace(/^\[(.*)\]$/, '$1');
}

export function createOwnIssuerFetch(issuer: string, listener: { host: string; port: number }): OwnIssuerFetch {
  const origin = new URL(issuer);
  const host = loopbackOf(listener.host);
  return async (url, options) => {
    const target = new URL(url);
    if (target.origin !== origin.origin) return fetch(url, options as RequestInit);
    const headers: Record<string, string> = { ...options.headers, host: origin.host };
    const body = options.body instanceof URLSearchParams ? options.body.toString() : (options.body as string | Uint8Array | null | undefined);
    if (options.body instanceof URLSearchParams) headers['content-type'] ??= 'application/x-www-form-urlencoded;charset=UTF-8';
    return new Promise<Response>((resolve, reject) => {
      const request = http.request({ host, port: listener.port, method: options.method, path: `${target.pathname}${target.search}`, headers, signal: options.signal ?? undefined }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const status = response.statusCode ?? 502;
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(response.headers)) {
            for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, one);
          }
          const empty = status === 204 || status === 304 || options.method === 'HEAD';
          resolve(new Response(empty ? null : Buffer.concat(chunks), { status, headers: responseHeaders }));
        });
      });
      request.on('error', reject);
      request.end(body ?? undefined);
    });
  };
}

export interface OwnRelyingParty {
  configuration(): Promise<oidc.Configuration>;
}

/** A relying party of this server: its configuration is discovered once, through `ownFetch`. */
export function createOwnRelyingParty(deps: { issuer: string; clientId: string; ownFetch: OwnIssuerFetch; logger: Logger }): OwnRelyingParty {
  let config: oidc.Configuration | undefined;
  return {
    async configuration(): Promise<oidc.Configuration> {
      if (config) return config;
      try {
        config = await oidc.discovery(new URL(deps.issuer), deps.clientId, undefined, oidc.None(), {
          [oidc.customFetch]: deps.ownFetch,
          execute: deps.issuer.startsWith('http://') ? [oidc.allowInsecureRequests] : [],
        });
      } catch (error) {
        deps.logger.error('cannot reach this server\'s own ISSUER for a built-in client', { issuer: deps.issuer, clientId: deps.clientId, error: errorMessage(error), cause: errorMessage((error as Error).cause ?? '') });
        throw new AppError('service.unavailable', undefined, { cause: error });
      }
      return config;
    },
  };
}
