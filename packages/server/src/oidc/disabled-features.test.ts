import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProviderConfiguration } from './configuration.js';
import { CONFIGURED_FEATURES, DISABLED_FEATURES, ENABLED_FEATURES } from './disabled-features.js';
import { createApiScopes } from './api-scopes.js';

/** The library's own list of features (stable and experimental); not part of its typed API. */
async function libraryFeatures(): Promise<string[]> {
  const specifier = 'oidc-provider/lib/helpers/features.js';
  const { STABLE, EXPERIMENTS } = (await import(specifier)) as { STABLE: Set<string>; EXPERIMENTS: Map<string, unknown> };
  return [...STABLE, ...EXPERIMENTS.keys()];
}

const configuration = (dynamicRegistration: 'off' | 'token' = 'off') =>
  buildProviderConfiguration({
    dynamicRegistration,
    issuer: 'http://localhost:3000',
    cookieKeys: ['k'],
    jwks: { keys: [] },
    adapter: class {} as never,
    accounts: {} as never,
    consent: {} as never,
    secondStepDue: () => Promise.resolve(false),
    apiScopes: createApiScopes(),
    resources: { find: () => undefined, list: () => [] },
  });

describe('provider features (A18)', () => {
  it('configures every feature the library knows, none left to its default', async () => {
    const features = configuration().features ?? {};
    assert.deepEqual(Object.keys(features).sort(), (await libraryFeatures()).sort());
  });

  it('turns on exactly the features that are offered and tested, and nothing else', () => {
    const features = configuration().features as Record<string, { enabled?: boolean }>;
    const on = Object.entries(features).filter(([, feature]) => feature.enabled === true).map(([name]) => name);
    assert.deepEqual(on.sort(), [...ENABLED_FEATURES].sort());
    for (const name of Object.keys(DISABLED_FEATURES)) assert.equal(features[name]?.enabled, false, name);
  });

  it('turns dynamic registration and its management on only when DYNAMIC_REGISTRATION asks', () => {
    const on = (mode: 'off' | 'token') => Object.entries(configuration(mode).features as Record<string, { enabled?: boolean }>).filter(([, f]) => f.enabled === true).map(([name]) => name);
    assert.deepEqual(on('off').filter((name) => (CONFIGURED_FEATURES as readonly string[]).includes(name)), []);
    assert.deepEqual(on('token').filter((name) => (CONFIGURED_FEATURES as readonly string[]).includes(name)).sort(), [...CONFIGURED_FEATURES].sort());
  });
});
