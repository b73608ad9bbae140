// Registration (RFC 3261 §10) against a scripted registrar over a memory
// transport and a FakeClock: digest MD5 and SHA-256 (RFC 7616/8760), nonce
// counts across refreshes, stale nonces, refresh timing, the granted expiry,
// 423, refusals without loops, backoff after transient failures, unregister.
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DiagnosticsStream, type DiagnosticsEvent } from '../../../src/trace/events.js';
import { createMemoryTransportPair } from '../../../src/transport/memory-transport.js';
import type { TransportProtocol } from '../../../src/transport/transport.js';
import { Authenticator } from '../../../src/ua/auth/authenticator.js';
import { SipEndpoint } from '../../../src/ua/core/endpoint.js';
import {
  instanceIdFromSeed, newInstanceId, normalizeInstanceId, refreshDelayMs, Registration,
  type RegistrationOptions, type RegistrationState,
} from '../../../src/ua/registration/registration.js';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { PASSWORD, ScriptedRegistrar, type RegistrarOptions } from './registration-registrar.js';

const AOR = 'sip:alice@callscope.test';
const INSTANCE = '<urn:uuid:6f1e8a52-3c1b-4b7e-9a55-0d2c4e6f8a10>';

function setup(options: { protocol?: TransportProtocol; registrar?: RegistrarOptions; registration?: Partial<RegistrationOptions> } = {}) {
  const clock = new FakeClock();
  const [far, near] = createMemoryTransportPair({ protocol: options.protocol ?? 'UDP', clock, latencyMs: 1 });
  const registrar = new ScriptedRegistrar(clock, far, options.registrar);
  const diagnostics = new DiagnosticsStream();
  const events: DiagnosticsEvent[] = [];
  diagnostics.subscribe((e) => events.push(e));
  const endpoint = new SipEndpoint({ transport: near, outboundProxy: far.address, clock, diagnostics });
  const registration = new Registration({
    endpoint, aor: AOR, credentials: { username: 'alice', password: PASSWORD }, random: () => 0.5, ...options.registration,
  });
  const states: RegistrationState[] = [];
  registration.on('state', (s) => states.push(s));
  /** Moves the fake clock in 100 ms steps, letting promise callbacks run between steps. */
  const elapse = async (ms: number) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.advance(Math.min(100, end - clock.now()));
      await new Promise((r) => setImmediate(r));
    }
  };
  return { clock, near, far, registrar, endpoint, registration, states, events, elapse, names: () => states.map((s) => s.name) };
}

const header = (r: { getHeader(n: string): { value: string } | undefined }, name: string) => r.getHeader(name)?.value;
const authParam = (r: ScriptedRegistrar['requests'][number], name: string) => r.authorization[0]?.params.get(name)?.value;

describe('REGISTER with digest (RFC 3261 §10, §22; RFC 7616 / RFC 8760)', () => {
  it.each(['MD5', 'SHA-256'] as const)('%s: 401, then the same REGISTER with credentials, then registered until now + the granted expiry', async (algorithm) => {
    const t = setup({ registrar: { algorithm } });
    const outcome = t.registration.start();
    await t.elapse(100);
    const state = await outcome;
    expect(state).toMatchObject({ name: 'registered', expiresS: 600, contact: 'sip:alice@127.0.0.1:5070' });
    expect(state.name === 'registered' && state.until).toBe(t.registrar.arrivals[1]! + 1 + 600_000);
    expect(t.names()).toEqual(['registering', 'registered']);
    const [first, second] = t.registrar.registers;
    expect(t.registrar.registers).toHaveLength(2);
    expect(t.registrar.responses.map((r) => r.status)).toEqual([401, 200]);
    expect(first!.authorization).toEqual([]);
    expect(authParam(second!, 'algorithm')).toBe(algorithm);
    expect(authParam(second!, 'qop')).toBe('auth');
    expect(authParam(second!, 'nc')).toBe('00000001');
    expect(authParam(second!, 'uri')).toBe('sip:callscope.test');
    // §10.2: Request-URI is the domain; To = From = the AOR; one Call-ID, CSeq + 1.
    expect(second!.requestUriText).toBe('sip:callscope.test');
    expect(second!.callId).toBe(first!.callId);
    expect(second!.cseq.seq).toBe(first!.cseq.seq + 1);
    expect(header(second!, 'Expires')).toBe('600');
    expect(second!.to.uri).toMatchObject({ user: 'alice', host: 'callscope.test' });
  });

  it('reports each state on the diagnostics stream too, with the expiry or the failure reason', async () => {
    const t = setup();
    const registered = t.registration.start();
    await t.elapse(100);
    await registered;
    const states = t.events.flatMap((e) => (e.type === 'registration-state' ? [e] : []));
    expect(states.map((e) => e.state)).toEqual(['registering', 'registered']);
    expect(states[1]).toMatchObject({ aor: AOR, until: t.registration.state.name === 'registered' ? t.registration.state.until : -1 });
    const refused = setup({ registration: { credentials: { username: 'alice', password: 'wrong' } } });
    const failed = refused.registration.start();
    await refused.elapse(100);
    await failed;
    const last = refused.events.filter((e) => e.type === 'registration-state').at(-1);
    expect(last).toMatchObject({ state: 'failed', status: 401 });
    expect(JSON.stringify(refused.events.filter((e) => e.type === 'registration-state'))).not.toContain('wrong');
  });

  it('tags every REGISTER transaction with register:<aor> on the diagnostics stream', async () => {
    const t = setup();
    const outcome = t.registration.start();
    await t.elapse(100);
    await outcome;
    const created = t.events.filter((e) => e.type === 'transaction-created');
    expect(created).toHaveLength(2);
    expect(created.every((e) => e.type === 'transaction-created' && e.callTag === `register:${AOR}` && e.method === 'REGISTER')).toBe(true);
  });

  it('never shows the password: not in states, not in the object, not on the stream beyond the hashed wire bytes', async () => {
    const t = setup({ registration: { expiresS: 60 } });
    t.registrar.script = (_r, i) => (i === 3 ? { status: 403 } : undefined);
    void t.registration.start();
    await t.elapse(70_000);
    const shared = new Authenticator({ username: 'alice', password: PASSWORD });
    const text = JSON.stringify(t.states) + inspect(t.registration, { depth: 10, showHidden: true }) + JSON.stringify(t.registration)
      + inspect(shared, { depth: 10, showHidden: true }) + JSON.stringify(shared);
    expect(t.states.at(-1)).toMatchObject({ name: 'failed', status: 403 });
    expect(text).not.toContain(PASSWORD);
    const wire = t.events.filter((e) => e.type === 'message-sent').map((e) => Buffer.from((e as { raw: Uint8Array }).raw).toString());
    expect(wire.join('')).not.toContain(PASSWORD);
  });

  it('counts nonce uses across refreshes: pre-emptive credentials with nc 2, 3 on the same nonce, no new challenge', async () => {
    const t = setup({ registration: { expiresS: 60 } });
    void t.registration.start();
    await t.elapse(100 + 30_000 * 2);
    const registers = t.registrar.registers;
    expect(registers).toHaveLength(4);
    expect(registers.slice(1).map((r) => authParam(r, 'nc'))).toEqual(['00000001', '00000002', '00000003']);
    expect(new Set(registers.slice(1).map((r) => authParam(r, 'nonce'))).size).toBe(1);
    expect(t.registrar.responses.map((r) => r.status)).toEqual([401, 200, 200, 200]);
    // a refresh keeps `registered`: no `registering` in between
    expect(t.names()).toEqual(['registering', 'registered', 'registered', 'registered']);
  });

  it('answers stale=true with the new nonce (nc back to 1) and stays registered', async () => {
    const t = setup({ registrar: { nonceLifetimeMs: 20_000 }, registration: { expiresS: 60 } });
    void t.registration.start();
    await t.elapse(100 + 30_000);
    expect(t.registrar.responses.map((r) => r.status)).toEqual([401, 200, 401, 200]);
    expect(header(t.registrar.responses[2]!, 'WWW-Authenticate')).toContain('stale=true');
    const [, first, refresh, retry] = t.registrar.registers;
    expect(authParam(refresh!, 'nonce')).toBe(authParam(first!, 'nonce'));
    expect(authParam(retry!, 'nonce')).not.toBe(authParam(first!, 'nonce'));
    expect(authParam(retry!, 'nc')).toBe('00000001');
    expect(t.names()).toEqual(['registering', 'registered', 'registered']);
  });

  it('answers a plain 401 to pre-emptive credentials once (the registrar forgot its nonces, e.g. after a restart)', async () => {
    const t = setup({ registration: { expiresS: 60 } });
    void t.registration.start();
    await t.elapse(100);
    t.registrar.forgetNonces();
    await t.elapse(30_000);
    expect(t.registrar.responses.map((r) => r.status)).toEqual([401, 200, 401, 200]);
    expect(t.states.at(-1)).toMatchObject({ name: 'registered' });
  });

  it('a wrong password: 401, one answer, 401 again -> failed with the status and reason, no retry, no loop', async () => {
    const t = setup({ registration: { credentials: { username: 'alice', password: 'wrong' } } });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toEqual({
      name: 'failed', status: 401, reason: '401 Unauthorized: the credentials for realm "callscope.test" were refused',
    });
    await t.elapse(3_600_000);
    expect(t.registrar.registers).toHaveLength(2);
  });

  it('a 401 with no credentials configured fails at once', async () => {
    const t = setup({ registration: { credentials: undefined } });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'failed', status: 401, reason: expect.stringContaining('none are configured') });
    expect(t.registrar.registers).toHaveLength(1);
  });

  it('a registrar that keeps answering stale=true gets two answers, then failed', async () => {
    const t = setup();
    t.registrar.script = (_r, i) => (i === 0 ? undefined : {
      status: 401, headers: [{ name: 'WWW-Authenticate', value: `Digest realm="callscope.test", nonce="s${i}", qop="auth", stale=true` }],
    });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'failed', status: 401, reason: expect.stringContaining('still challenged after 2') });
    expect(t.registrar.registers).toHaveLength(3);
  });
});

describe('expiry and refresh', () => {
  it('refreshes at max(half, expiry - max(10 %, 32 s)): 600 s -> 540 s, 3600 -> 3240, 120 -> 88, 60 -> 30, 10 -> 5', () => {
    expect([600, 3600, 120, 60, 10].map((s) => refreshDelayMs(s) / 1000)).toEqual([540, 3240, 88, 30, 5]);
  });

  it('honours the expiry the registrar grants in our Contact (120 s of 600 asked): refresh at 88 s, not before', async () => {
    const t = setup({ registrar: { maxExpires: 120 } });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'registered', expiresS: 120, refreshInMs: 88_000 });
    const registeredAt = t.registrar.arrivals[1]! + 1;
    await t.elapse(88_000 - 200);
    expect(t.registrar.registers).toHaveLength(2);
    await t.elapse(200);
    expect(t.registrar.registers).toHaveLength(3);
    expect(t.registrar.arrivals[2]).toBe(registeredAt + 88_000 + 1);
    expect(header(t.registrar.registers[2]!, 'Expires')).toBe('600');
  });

  it('takes the Expires header when the Contacts carry no expires', async () => {
    const t = setup({ registrar: { maxExpires: 300, expiresHeaderOnly: true } });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'registered', expiresS: 300 });
  });

  it('finds its own binding among other devices\' by +sip.instance', async () => {
    const t = setup({ registration: { instanceId: INSTANCE } });
    t.registrar.bindings.set('sip:alice@192.0.2.9:5060', { uri: 'sip:alice@192.0.2.9:5060', expiresAt: 30_000 });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'registered', expiresS: 600 });
    expect(t.registrar.responses.at(-1)!.contacts).toHaveLength(2);
  });

  it('423 Interval Too Brief: retries once with Min-Expires (credentials reused, nc 2) and keeps it for refreshes', async () => {
    const t = setup({ registrar: { minExpires: 1800 } });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'registered', expiresS: 1800 });
    expect(t.registrar.responses.map((r) => r.status)).toEqual([401, 423, 200]);
    const retry = t.registrar.registers[2]!;
    expect(header(retry, 'Expires')).toBe('1800');
    expect(authParam(retry, 'nc')).toBe('00000002');
    expect(t.registration.requestedExpiresS).toBe(1800);
    await t.elapse(refreshDelayMs(1800));
    expect(header(t.registrar.registers[3]!, 'Expires')).toBe('1800');
  });

  it('423 without a usable Min-Expires fails without retrying', async () => {
    const t = setup();
    t.registrar.script = () => ({ status: 423 });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toEqual({ name: 'failed', status: 423, reason: '423 Interval Too Brief without Min-Expires' });
    await t.elapse(600_000);
    expect(t.registrar.registers).toHaveLength(1);
  });
});

describe('failures and backoff', () => {
  it('403: failed with status and reason, no retry', async () => {
    const t = setup();
    t.registrar.script = () => ({ status: 403, reason: 'Unknown lab account' });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toEqual({ name: 'failed', status: 403, reason: '403 Unknown lab account' });
    await t.elapse(600_000);
    expect(t.registrar.registers).toHaveLength(1);
  });

  it('503 with Retry-After: 30 -> failed, retrying in 30 s, then registered', async () => {
    const t = setup();
    t.registrar.script = (_r, i) => (i === 0 ? { status: 503, headers: [{ name: 'Retry-After', value: '30' }] } : undefined);
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toEqual({ name: 'failed', status: 503, reason: '503 Service Unavailable', retryInMs: 30_000 });
    await t.elapse(29_800);
    expect(t.registrar.registers).toHaveLength(1);
    await t.elapse(200);
    expect(t.states.at(-1)).toMatchObject({ name: 'registered' });
    expect(t.names()).toEqual(['registering', 'failed', 'registering', 'registered']);
  });

  it('no answer: Timer F (64·T1) -> failed 408, then retries with doubling, bounded backoff, and gives up after maxRetries', async () => {
    const t = setup({ registration: { retry: { baseMs: 1000, maxMs: 5000 }, random: () => 1, maxRetries: 3 } });
    t.registrar.script = () => 'drop';
    void t.registration.start();
    await t.elapse(4 * 32_000 + 2000 + 4000 + 5000 + 1000);
    const failed = t.states.filter((s) => s.name === 'failed');
    expect(failed.map((s) => s.name === 'failed' && s.retryInMs)).toEqual([2000, 4000, 5000, undefined]);
    expect(failed[0]).toMatchObject({ status: 408, reason: expect.stringContaining('Timer F') });
    expect(failed.at(-1)).toMatchObject({ reason: expect.stringContaining('gave up after 4 attempts') });
    const count = t.registrar.registers.length;
    await t.elapse(600_000);
    expect(t.registrar.registers.length).toBe(count);
    // retransmissions over UDP (Timer E) are the transaction's: one transaction per attempt
    expect(new Set(t.registrar.registers.map((r) => r.topVia.branch)).size).toBe(4);
  });

  it('a transport error (send rejected) is a transient failure with backoff', async () => {
    const t = setup({ protocol: 'TCP' });
    t.near.failFlow('peer reset');
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'failed', reason: expect.stringContaining('could not send REGISTER'), retryInMs: expect.any(Number) });
  });
});

describe('instance ID, reg-id and unregister', () => {
  it('UDP: +sip.instance in the Contact, no reg-id and no Supported: outbound (RFC 5626 §4.2 is for flows)', async () => {
    const t = setup({ registration: { instanceId: INSTANCE } });
    void t.registration.start();
    await t.elapse(100);
    const contact = t.registrar.registers[0]!.contacts[0]!;
    expect(contact.instance).toBe(INSTANCE);
    expect(contact.regId).toBeUndefined();
    expect(t.registrar.registers[0]!.supported).not.toContain('outbound');
  });

  it('TCP: +sip.instance, reg-id=1 and Supported: outbound; registered says whether the registrar does outbound', async () => {
    const t = setup({ protocol: 'TCP', registrar: { outbound: true }, registration: { instanceId: INSTANCE } });
    const outcome = t.registration.start();
    await t.elapse(100);
    expect(await outcome).toMatchObject({ name: 'registered', outbound: true, contact: 'sip:alice@127.0.0.1:5070;transport=tcp' });
    const register = t.registrar.registers[1]!;
    expect(register.contacts[0]).toMatchObject({ instance: INSTANCE, regId: 1 });
    expect(register.supported).toContain('outbound');
  });

  it('stop(): REGISTER with Expires: 0 for our Contact, binding gone, unregistered, no more refreshes', async () => {
    const t = setup({ registration: { instanceId: INSTANCE, expiresS: 60 } });
    void t.registration.start();
    await t.elapse(100);
    expect(t.registrar.bindings.size).toBe(1);
    const stopped = t.registration.stop();
    await t.elapse(100);
    expect(await stopped).toEqual({ ok: true, removed: true });
    const last = t.registrar.registers.at(-1)!;
    expect(header(last, 'Expires')).toBe('0');
    expect(last.contacts[0]).toMatchObject({ expires: 0, instance: INSTANCE });
    expect(authParam(last, 'nc')).toBe('00000002');
    expect(t.registrar.bindings.size).toBe(0);
    expect(t.registration.state).toEqual({ name: 'unregistered' });
    const count = t.registrar.registers.length;
    await t.elapse(600_000);
    expect(t.registrar.registers.length).toBe(count);
  });

  it('stop() before anything was bound sends nothing; stop() waits at most timeoutMs for a silent registrar', async () => {
    const idle = setup();
    expect(await idle.registration.stop()).toEqual({ ok: true, removed: false });
    const t = setup();
    void t.registration.start();
    await t.elapse(100);
    t.registrar.script = () => 'drop';
    const stopped = t.registration.stop({ timeoutMs: 2000 });
    await t.elapse(2000);
    expect(await stopped).toEqual({ ok: false, reason: 'no answer to the unregistering REGISTER within 2000 ms' });
    expect(t.registration.state.name).toBe('unregistered');
  });

  it('instance IDs: random v4, stable v5 from a seed, and normalized', () => {
    expect(newInstanceId()).toMatch(/^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/);
    expect(newInstanceId()).not.toBe(newInstanceId());
    const a = instanceIdFromSeed('host-1/alice@example.com');
    expect(a).toMatch(/^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$/);
    expect(instanceIdFromSeed('host-1/alice@example.com')).toBe(a);
    expect(instanceIdFromSeed('host-1/bob@example.com')).not.toBe(a);
    expect(normalizeInstanceId('urn:uuid:6f1e8a52-3c1b-4b7e-9a55-0d2c4e6f8a10')).toEqual({ ok: true, value: INSTANCE });
    expect(normalizeInstanceId('6f1e8a52')).toMatchObject({ ok: false, error: expect.stringContaining('not a URN') });
  });

  it('refuses an address of record that is not sip:user@host', () => {
    const t = setup();
    expect(() => new Registration({ endpoint: t.endpoint, aor: 'alice@example.com' })).toThrow(/not a sip: or sips: URI with a user/);
    expect(() => new Registration({ endpoint: t.endpoint, aor: 'sip:example.com' })).toThrow(/with a user/);
    expect(() => new Registration({ endpoint: t.endpoint, aor: AOR, instanceId: 'abc' })).toThrow(/not a URN/);
  });
});
