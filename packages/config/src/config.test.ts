import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_RATE_LIMITS, loadConfig } from './index.js';

const secrets = {
  COOKIE_KEYS: 'a'.repeat(32),
  ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  ADMIN_TOKEN: 't'.repeat(32),
};

describe('loadConfig', () => {
  it('defaults to embedded mode on localhost:3000 with the admin API on loopback', () => {
    const config = loadConfig({});
    assert.equal(config.mode, 'embedded');
    assert.equal(config.issuer, 'http://localhost:3000');
    assert.deepEqual(config.admin, { port: 9464, host: '127.0.0.1' });
    assert.equal(config.demo, true);
    assert.ok(Object.isFrozen(config));
  });

  it('derives the issuer from PORT and strips a trailing slash from ISSUER', () => {
    assert.equal(loadConfig({ PORT: '4000' }).issuer, 'http://localhost:4000');
    assert.equal(loadConfig({ ISSUER: 'https://id.example.com/' }).issuer, 'https://id.example.com');
  });

  it('lists every bad variable at once', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', ADMIN_PORT: '70000', ISSUER: 'ftp://x', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.variable).sort(), ['ADMIN_PORT', 'ISSUER', 'LOG_LEVEL', 'PORT']);
        assert.match(error.message, /PORT/);
        return true;
      },
    );
  });

  it('requires every secret in production mode', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://db/portcullis' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.variable).sort(), ['ADMIN_TOKEN', 'COOKIE_KEYS', 'ENCRYPTION_KEY']);
      return true;
    });
    const config = loadConfig({ DATABASE_URL: 'postgres://db/portcullis', ...secrets });
    assert.equal(config.mode, 'production');
    assert.equal(config.demo, false);
    assert.deepEqual(config.secrets.encryptionKeys?.map((key) => key.length), [32], 'ENCRYPTION_KEY is a ring of one');
  });

  it('refuses short cookie keys, a wrong-size encryption key and a short admin token', () => {
    assert.throws(() => loadConfig({ COOKIE_KEYS: 'short', ENCRYPTION_KEY: 'AAAA', ADMIN_TOKEN: 'x' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.equal(error.problems.length, 3);
      return true;
    });
  });

  it('refuses the demo in production mode and a read URL without a primary', () => {
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgres://db/x', DEMO: 'true', ...secrets }), ConfigError);
    assert.throws(() => loadConfig({ DATABASE_READ_URL: 'postgres://replica/x' }), ConfigError);
  });

  it('defaults pool sizes and timeouts, and reads them from the environment', () => {
    const defaults = loadConfig({ DATABASE_URL: 'postgres://db/x', ...secrets });
    assert.deepEqual(
      { ...defaults.database, redisTimeoutMs: defaults.redisTimeoutMs },
      { url: 'postgres://db/x', readUrl: 'postgres://db/x', poolSize: 10, readPoolSize: 10, timeoutMs: 5000, connectTimeoutMs: 3000, redisTimeoutMs: 2000 },
    );
    const tuned = loadConfig({
      DATABASE_URL: 'postgres://db/x',
      REDIS_URL: 'redis://cache:6379',
      DATABASE_POOL_SIZE: '20',
      DATABASE_READ_POOL_SIZE: '40',
      DATABASE_TIMEOUT_MS: '2500',
      DATABASE_CONNECT_TIMEOUT_MS: '1000',
      REDIS_TIMEOUT_MS: '500',
      ...secrets,
    });
    assert.equal(tuned.redisUrl, 'redis://cache:6379');
    assert.deepEqual(
      [tuned.database.poolSize, tuned.database.readPoolSize, tuned.database.timeoutMs, tuned.database.connectTimeoutMs, tuned.redisTimeoutMs],
      [20, 40, 2500, 1000, 500],
    );
  });

  it('refuses pool sizes and timeouts out of range', () => {
    assert.throws(
      () => loadConfig({ DATABASE_POOL_SIZE: '0', DATABASE_READ_POOL_SIZE: 'many', DATABASE_TIMEOUT_MS: '5', DATABASE_CONNECT_TIMEOUT_MS: '-1', REDIS_TIMEOUT_MS: '600000' }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.deepEqual(error.problems.map((p) => p.variable).sort(), [
          'DATABASE_CONNECT_TIMEOUT_MS', 'DATABASE_POOL_SIZE', 'DATABASE_READ_POOL_SIZE', 'DATABASE_TIMEOUT_MS', 'REDIS_TIMEOUT_MS',
        ]);
        return true;
      },
    );
  });

  it('treats empty variables as unset', () => {
    assert.equal(loadConfig({ PORT: '', ISSUER: '' }).issuer, 'http://localhost:3000');
  });

  it('reads every rate limit from RATE_LIMIT_* variables, with the documented defaults', () => {
    const defaults = loadConfig({}).rateLimits;
    assert.deepEqual(defaults, DEFAULT_RATE_LIMITS);
    assert.deepEqual(defaults.passwordPerAccount, { points: 100, durationSeconds: 3600 });
    assert.deepEqual(defaults.passwordPerAccountAndAddress, [{ points: 5, durationSeconds: 900, blockSeconds: 60 }, { points: 20, durationSeconds: 3600, blockSeconds: 3600 }]);
    assert.deepEqual(defaults.passwordPerDevice, { points: 10, durationSeconds: 3600 });
    assert.deepEqual(defaults.tokenFailuresPerClientAndAddress, { points: 20, durationSeconds: 300, blockSeconds: 300 });
    assert.deepEqual(defaults.deviceCodePerAddress, [{ points: 10, durationSeconds: 900, blockSeconds: 900 }, { points: 30, durationSeconds: 86_400, blockSeconds: 86_400 }]);
    const tuned = loadConfig({
      RATE_LIMIT_PASSWORD_ACCOUNT: '50/30m',
      RATE_LIMIT_PASSWORD_ACCOUNT_ADDRESS: '3/10s:5s, 9/2d:1d',
      RATE_LIMIT_TOKEN_ADDRESS: '1000/1m:30s',
    }).rateLimits;
    assert.deepEqual(tuned.passwordPerAccount, { points: 50, durationSeconds: 1800 });
    assert.deepEqual(tuned.passwordPerAccountAndAddress, [{ points: 3, durationSeconds: 10, blockSeconds: 5 }, { points: 9, durationSeconds: 172_800, blockSeconds: 86_400 }]);
    assert.deepEqual(tuned.tokenFailuresPerAddress, { points: 1000, durationSeconds: 60, blockSeconds: 30 });
  });

  it('refuses bad rate limits with a message per variable, all at once', () => {
    assert.throws(
      () => loadConfig({
        RATE_LIMIT_PASSWORD_ACCOUNT: '500/1h',
        RATE_LIMIT_PASSWORD_DEVICE: '10/1h:1h',
        RATE_LIMIT_MFA_ADDRESS: '0/15m',
        RATE_LIMIT_REGISTRATION_ADDRESS: '10/1h,20/1d',
        RATE_LIMIT_TOKEN_CLIENT_ADDRESS: 'twenty a minute',
        RATE_LIMIT_TOKEN_ADDRESS: '100/90d',
      }),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        const messages = Object.fromEntries(error.problems.map((p) => [p.variable, p.message]));
        assert.deepEqual(Object.keys(messages).sort(), [
          'RATE_LIMIT_MFA_ADDRESS', 'RATE_LIMIT_PASSWORD_ACCOUNT', 'RATE_LIMIT_PASSWORD_DEVICE', 'RATE_LIMIT_REGISTRATION_ADDRESS', 'RATE_LIMIT_TOKEN_ADDRESS', 'RATE_LIMIT_TOKEN_CLIENT_ADDRESS',
        ]);
        assert.match(messages.RATE_LIMIT_PASSWORD_ACCOUNT!, /at most 100 failures per hour/);
        assert.match(messages.RATE_LIMIT_PASSWORD_DEVICE!, /cannot block/);
        assert.match(messages.RATE_LIMIT_MFA_ADDRESS!, /POINTS must be/);
        assert.match(messages.RATE_LIMIT_REGISTRATION_ADDRESS!, /one limit, not a list/);
        assert.match(messages.RATE_LIMIT_TOKEN_CLIENT_ADDRESS!, /POINTS\/WINDOW/);
        assert.match(messages.RATE_LIMIT_TOKEN_ADDRESS!, /1s to 30d/);
        return true;
      },
    );
  });

  it('refuses a per-account password limit over 100 in one window even at the same hourly rate (200/2h), as a config error', () => {
    assert.throws(() => loadConfig({ RATE_LIMIT_PASSWORD_ACCOUNT: '200/2h' }), (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.deepEqual(error.problems.map((p) => p.variable), ['RATE_LIMIT_PASSWORD_ACCOUNT']);
      return true;
    });
    assert.equal(loadConfig({ RATE_LIMIT_PASSWORD_ACCOUNT: '100/2h' }).rateLimits.passwordPerAccount.points, 100);
  });

  it('reads Redis behind Sentinel, and refuses it with REDIS_URL, without a name or with a bad address', () => {
    const production = { DATABASE_URL: 'postgres://db/x', ...secrets };
    const config = loadConfig({ ...production, REDIS_SENTINELS: 's1:26379, 10.0.0.2:26380', REDIS_SENTINEL_NAME: 'portcullis' });
    assert.deepEqual(config.redisSentinel, { sentinels: [{ host: 's1', port: 26379 }, { host: '10.0.0.2', port: 26380 }], name: 'portcullis' });
    assert.equal(config.redisUrl, undefined);
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig({ ...production, ...env });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems.map((p) => `${p.variable}: ${p.message}`);
      }
      return [];
    };
    assert.match(problems({ REDIS_SENTINELS: 's1:26379', REDIS_SENTINEL_NAME: 'p', REDIS_URL: 'redis://r:6379' }).join(), /REDIS_SENTINELS: set either REDIS_URL .* not both/);
    assert.match(problems({ REDIS_SENTINELS: 's1:26379' }).join(), /REDIS_SENTINEL_NAME: is required with REDIS_SENTINELS/);
    assert.match(problems({ REDIS_SENTINEL_NAME: 'p' }).join(), /REDIS_SENTINEL_NAME: needs REDIS_SENTINELS/);
    assert.match(problems({ REDIS_SENTINELS: 's1', REDIS_SENTINEL_NAME: 'p' }).join(), /REDIS_SENTINELS: must be a comma-separated list of host:port/);
    assert.match(problems({ REDIS_SENTINELS: 's1:99999', REDIS_SENTINEL_NAME: 'p' }).join(), /REDIS_SENTINELS: each port must be 1-65535/);
  });

  it('reads an encryption key ring newest first, and refuses it with ENCRYPTION_KEY, with a bad key or the same key twice', () => {
    const newer = Buffer.alloc(32, 2).toString('base64');
    const older = Buffer.alloc(32, 1).toString('base64');
    const { ENCRYPTION_KEY: _one, ...rest } = secrets;
    const config = loadConfig({ DATABASE_URL: 'postgres://db/x', ...rest, ENCRYPTION_KEYS: `${newer}, ${older}` });
    assert.deepEqual(config.secrets.encryptionKeys?.map((key) => key[0]), [2, 1]);
    const variables = (env: Record<string, string>) => {
      try {
        loadConfig({ DATABASE_URL: 'postgres://db/x', ...rest, ...env });
      } catch (error) {
        assert.ok(error instanceof ConfigError);
        return error.problems.map((p) => `${p.variable}: ${p.message}`).join();
      }
      return '';
    };
    assert.match(variables({ ENCRYPTION_KEYS: newer, ENCRYPTION_KEY: older }), /ENCRYPTION_KEYS: set either ENCRYPTION_KEY/);
    assert.match(variables({ ENCRYPTION_KEYS: `${newer},AAAA` }), /ENCRYPTION_KEYS: each key must be 32 bytes/);
    assert.match(variables({ ENCRYPTION_KEYS: `${newer},${newer}` }), /ENCRYPTION_KEYS: holds the same key twice/);
    assert.match(variables({}), /ENCRYPTION_KEY: is required in production mode/);
  });

  it('reads the mail settings: SMTP_URL as smtp(s)://, MAIL_FROM as an address, from no-reply@ the issuer by default', () => {
    const plain = loadConfig({ ISSUER: 'https://id.example.com' });
    assert.deepEqual(plain.mail, { from: 'no-reply@id.example.com', retryBaseMs: 30_000, maxAttempts: 10 });
    const set = loadConfig({ SMTP_URL: 'smtps://u:p@mail.example.com:465', MAIL_FROM: 'Example ID <id@example.com>', MAIL_RETRY_BASE_MS: '1000', MAIL_MAX_ATTEMPTS: '3' });
    assert.deepEqual(set.mail, { smtpUrl: 'smtps://u:p@mail.example.com:465', from: 'Example ID <id@example.com>', retryBaseMs: 1000, maxAttempts: 3 });
    assert.throws(() => loadConfig({ SMTP_URL: 'https://mail.example.com', MAIL_FROM: 'a\r\nBcc: x@y' }), (error: unknown) => {
      assert.match(String(error), /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/);
      assert.match(String(error), /MAIL_FROM: must be an address/);
      return true;
    });
  });
});
