/**
 * What the scenarios need, made before anything is measured: clients registered through the
 * admin API, a bounded pool of accounts registered through the pages (there is no admin
 * endpoint that creates users, and registration is the path real accounts take), an access
 * token, and refresh tokens to start the rotation chains from.
 */
import { randomBytes } from 'node:crypto';
import { pool, REDIRECT_URI, signIn, type BenchClient, type Tokens } from './flows.js';
import type { Target } from './target.js';

export interface Fixtures {
  service: BenchClient;
  /** A resource server (RFC 8707) whose access tokens are JWTs (RFC 9068), and a scope of it. */
  jwtResource: { identifier: string; scope: string };
  webEs256: BenchClient;
  webRs256: BenchClient;
  users: string[];
  accessToken: string;
  refreshEs256: string[];
  refreshRs256: string[];
  /** A public device client (RFC 8628) and device codes nobody will confirm: every poll is pending. */
  device: { clientId: string; codes: string[] };
}

/** Registers an API as a resource: its access tokens are JWTs. Run-unique: the stack's database outlives a run. */
async function createJwtResource(target: Target): Promise<Fixtures['jwtResource']> {
  const resource = { identifier: `https://bench-api-${randomBytes(4).toString('hex')}.example.test`, scope: 'read:bench' };
  const response = await fetch(`${target.adminUrl}/admin/resources`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ identifier: resource.identifier, name: 'Bench API', scopes: [resource.scope], access_token_format: 'jwt' }),
  });
  if (response.status !== 201) throw new Error(`resource registration failed: ${response.status} ${await response.text()}`);
  return resource;
}
/** Device codes for the polling scenario, polled round-robin (fixtures.ts `device`). */
const DEVICE_CODES = 200;

async function createClient(target: Target, body: Record<string, unknown>): Promise<BenchClient> {
  const response = await fetch(`${target.adminUrl}/admin/clients`, {
    method: 'POST',
    headers: { authorization: `Bearer ${target.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const created = (await response.json()) as BenchClient;
  if (response.status !== 201) throw new Error(`client registration failed: ${response.status} ${JSON.stringify(created)}`);
  return created;
}

export async function prepare(target: Target, options: { users: number; chains: number }): Promise<Fixtures> {
  const web = (alg: string) => createClient(target, {
    client_name: `Bench web ${alg}`, first_party: true, redirect_uris: [REDIRECT_URI],
    grant_types: ['authorization_code', 'refresh_token'], id_token_signed_response_alg: alg,
  });
  const jwtResource = await createJwtResource(target);
  // A resource server: it introspects the web clients' access tokens (RFC 7662 §4). It may ask
  // for the bench API's scope (a client asks only for scopes it is registered with).
  const service = await createClient(target, { client_name: 'Bench service', grant_types: ['client_credentials'], redirect_uris: [], resource_server: true, scope: jwtResource.scope });
  const [webEs256, webRs256] = [await web('ES256'), await web('RS256')];

  // A run-unique prefix: the stack's database outlives a run.
  const run = randomBytes(4).toString('hex');
  const users = Array.from({ length: options.users }, (_, i) => `bench-${run}-${i}@bench.example.test`);
  const started = Date.now();
  await pool(users.length, 4, (i) => signIn(target, webEs256, users[i]!, { register: true }));
  console.error(`bench: registered ${users.length} users in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const mint = (client: BenchClient) => pool(options.chains, 4, (i) => signIn(target, client, users[i % users.length]!, { scope: 'openid email offline_access' }));
  const refresh = (tokens: Tokens[]) => tokens.map((t) => {
    if (!t.refresh_token) throw new Error('no refresh token issued');
    return t.refresh_token;
  });
  const tv = await createClient(target, { client_name: 'Bench TV', public: true, grant_types: ['urn:ietf:params:oauth:grant-type:device_code'] });
  const codes = await pool(DEVICE_CODES, 4, async () => {
    const response = await fetch(`${target.baseUrl}/device/auth`, { method: 'POST', headers: { host: new URL(target.issuer).host }, body: new URLSearchParams({ client_id: tv.client_id, scope: 'openid' }) });
    if (response.status !== 200) throw new Error(`device authorization failed: ${response.status} ${await response.text()}`);
    return ((await response.json()) as { device_code: string }).device_code;
  });
  const es = await mint(webEs256);
  const rs = await mint(webRs256);
  return { service, jwtResource, webEs256, webRs256, users, accessToken: es[0]!.access_token, refreshEs256: refresh(es), refreshRs256: refresh(rs), device: { clientId: tv.client_id, codes } };
}
