import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'koa';
import { createSecondFactorHandlers, MAX_CODE_FAILURES } from './second-factor.handlers.js';
import type { SecondFactorService } from '../mfa/second-factor.service.js';
import type { SecondFactorState } from './second-factor.state.js';
import { STATE_KEY } from './second-factor.state.js';
import { createCsrf } from './csrf.js';
import type { SealedCookies } from '../http/sealed-cookie.js';
import type { DeviceCookies } from './device-cookie.js';
import { AppError } from '../http/app-error.js';
import { ACR } from '../oidc/acr.js';
import { fakeKoa } from '../../../../test/support/fake-koa.js';
import { fakeProvider, type FakeInteractionInit } from '../../../../test/support/fake-provider.js';

type VerifyAnswer = Awaited<ReturnType<SecondFactorService['verify']>>;

function setup(options: { enabled?: boolean; verify?: VerifyAnswer; interaction?: FakeInteractionInit; codes?: unknown } = {}) {
  const fake = fakeProvider({ interaction: { prompt: { name: 'login' }, ...options.interaction } });
  const asked: Parameters<SecondFactorService['verify']>[0][] = [];
  const secondFactor = {
    isEnabled: () => Promise.resolve(options.enabled ?? true),
    methods: () => Promise.resolve(options.enabled ?? true ? ['totp'] : []),
    verify: (input: Parameters<SecondFactorService['verify']>[0]) => (asked.push(input), Promise.resolve(options.verify ?? { limited: false, ok: true, amr: ['pwd', 'otp'], wrongProof: 'mfa.invalid_code' })),
    beginEnrolment: () => Promise.resolve('sealed-seed'),
  } as unknown as SecondFactorService;
  const verifiedOn: string[] = [];
  const devices: DeviceCookies = { read: () => 'device-nonce', issue: () => undefined, secondFactorVerified: (_ctx: Context, email: string) => void verifiedOn.push(email) };
  const sealed = { take: () => options.codes } as unknown as SealedCookies;
  const handlers = createSecondFactorHandlers({
    getProvider: () => fake.provider,
    secondFactor,
    users: { findById: (id) => Promise.resolve({ id, email: 'ada@example.com', name: null, emailVerified: false, disabled: false, createdAt: new Date(0) }) },
    csrf: createCsrf(['k']),
    sealed,
    devices,
  });
  return { fake, handlers, asked, verifiedOn };
}

const state = (extra: Partial<SecondFactorState> = {}): SecondFactorState => ({ accountId: 'acc', failures: 0, verified: false, ...extra });

describe('second-factor handlers', () => {
  it('finishes a password-only sign-in at once with acr …:pwd and amr ["pwd"]', async () => {
    const { fake, handlers } = setup({ enabled: false });
    const koa = fakeKoa();
    await handlers.afterPassword(koa.ctx, fake.interaction!, { id: 'acc', email: 'ada@example.com' }, 'none');
    assert.deepEqual(fake.finished[0]!.result, { login: { accountId: 'acc', acr: ACR.password, amr: ['pwd'], remember: false } });
    assert.equal(koa.ctx.respond, false);
  });

  it('keeps "password verified, code pending" in the interaction and sends the browser to the code step', async () => {
    const { fake, handlers } = setup();
    const koa = fakeKoa();
    await handlers.afterPassword(koa.ctx, fake.interaction!, { id: 'acc', email: 'ada@example.com' }, 'code');
    assert.deepEqual(fake.results[0]!.result, { [STATE_KEY]: { accountId: 'acc', failures: 0, verified: false } });
    assert.equal(fake.finished.length, 0, 'no login before the code');
    assert.equal(koa.ctx.status, 303);
    assert.equal(koa.location(), '/interaction/uid-1');
  });

  it('starts an enrolment in the POST when the client demands MFA of an account without it', async () => {
    const { fake, handlers } = setup({ enabled: false });
    await handlers.afterPassword(fakeKoa().ctx, fake.interaction!, { id: 'acc', email: 'ada@example.com' }, 'enrol');
    assert.deepEqual(fake.results[0]!.result, { [STATE_KEY]: { accountId: 'acc', failures: 0, verified: false, pending: 'sealed-seed' } });
  });

  it('asks the service with the factor and the typed code, and finishes with acr …:mfa and its amr', async () => {
    const { fake, handlers, asked, verifiedOn } = setup();
    const koa = fakeKoa({ ip: '198.51.100.4', headers: { 'User-Agent': 'UA' } });
    await handlers.verify(koa.ctx, fake.interaction!, state(), 'recovery_code', 'abcd-efgh');
    assert.equal(asked[0]!.method, 'recovery_code');
    assert.equal(asked[0]!.code, 'abcd-efgh');
    assert.deepEqual(asked[0]!.at, { ip: '198.51.100.4', meta: { ip: '198.51.100.4', userAgent: 'UA' }, clientId: 'app', device: 'device-nonce' });
    assert.deepEqual(fake.finished[0]!.result, { login: { accountId: 'acc', acr: ACR.mfa, amr: ['pwd', 'otp'], remember: false } });
    assert.deepEqual(verifiedOn, ['ada@example.com']);
  });

  it('answers a guess the limits refuse with 429 and Retry-After, on the same step', async () => {
    const { fake, handlers } = setup({ verify: { limited: true, retryAfterSeconds: 120 } });
    const koa = fakeKoa();
    await handlers.verify(koa.ctx, fake.interaction!, state(), 'totp', '123456');
    assert.equal(koa.ctx.status, 429);
    assert.equal(koa.responseHeaders.get('retry-after'), '120');
    assert.match(koa.text(), /role="alert"/);
    assert.equal(fake.finished.length, 0);
  });

  it('re-renders a wrong code with the factor\'s own message and counts the failure in the interaction', async () => {
    const { fake, handlers } = setup({ verify: { limited: false, ok: false, amr: ['pwd', 'otp'], wrongProof: 'mfa.invalid_recovery_code' } });
    const koa = fakeKoa();
    await handlers.verify(koa.ctx, fake.interaction!, state({ failures: 1 }), 'recovery_code', 'nope');
    assert.equal(koa.ctx.status, 401);
    assert.ok(koa.text().includes(new AppError('mfa.invalid_recovery_code').publicMessage.replace(/'/g, '&#39;')));
    assert.deepEqual(fake.results[0]!.result, { [STATE_KEY]: { accountId: 'acc', failures: 2, verified: false } });
    assert.equal(fake.finished.length, 0);
  });

  it(`ends the attempt with access_denied at the ${MAX_CODE_FAILURES}th wrong code`, async () => {
    const { fake, handlers } = setup({ verify: { limited: false, ok: false, amr: ['pwd', 'otp'], wrongProof: 'mfa.invalid_code' } });
    await handlers.verify(fakeKoa().ctx, fake.interaction!, state({ failures: MAX_CODE_FAILURES - 1 }), 'totp', '000000');
    assert.equal(fake.finished[0]!.result.error, 'access_denied');
    assert.equal(fake.results.length, 0);
  });

  it('refuses a code once the step is done or when the account has no second factor', async () => {
    const done = setup();
    await assert.rejects(done.handlers.verify(fakeKoa().ctx, done.fake.interaction!, state({ verified: true }), 'totp', '1'), (error: AppError) => error.code === 'interaction.expired');
    const off = setup({ enabled: false });
    await assert.rejects(off.handlers.verify(fakeKoa().ctx, off.fake.interaction!, state(), 'totp', '1'), (error: AppError) => error.code === 'interaction.expired');
    assert.equal(done.asked.length + off.asked.length, 0);
  });

  it('shows the recovery codes once after an enrolment inside the sign-in, then "Continue"', async () => {
    const { fake, handlers } = setup({ codes: ['aaaa-bbbb', 'cccc-dddd'] });
    const koa = fakeKoa();
    await handlers.show(koa.ctx, fake.interaction!, state({ verified: true }), 'totp');
    assert.equal(koa.ctx.status, 200);
    assert.match(koa.text(), /aaaa-bbbb/);
    assert.match(koa.text(), /action="\/interaction\/uid-1\/continue"/);
  });

  it('lets a password do when TOTP was turned off since and nothing demands it', async () => {
    const { fake, handlers } = setup({ enabled: false });
    await handlers.show(fakeKoa().ctx, fake.interaction!, state(), 'totp');
    assert.equal((fake.finished[0]!.result.login as { acr: string }).acr, ACR.password);
  });
});
