/* global process, fetch, AbortSignal -- Node.js 24 globals; this file runs as plain JavaScript in the image */
// The image's HEALTHCHECK: exit 0 when the admin listener answers GET /healthz with 200 within
// 2 s, 1 otherwise. /healthz is liveness only (the process answers); readiness is /readyz.
// A wildcard ADMIN_HOST (0.0.0.0, ::) is reached through loopback.
const host = process.env.ADMIN_HOST ?? '127.0.0.1';
const port = process.env.ADMIN_PORT ?? '9464';
const target = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
try {
  const response = await fetch(`http://${target}:${port}/healthz`, { signal: AbortSignal.timeout(2000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
