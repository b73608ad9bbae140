// Registration against the lab's Kamailio (digest MD5, realm callscope.lab):
// over WSS and over UDP through connectToServer(), the granted expiry, a wrong
// password and an unknown account refused without a loop (REGISTERs counted
// on the diagnostics stream), unregister on stop, and a SIPp caller reaching
// the registered WebSocket UA through Kamailio's location lookup.
import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosticsStream, type DiagnosticsEvent } from '../../src/trace/events.js';
import { parseMessage } from '../../src/message/index.js';
import { SipEndpoint } from '../../src/ua/core/endpoint.js';
import { newInstanceId, Registration, type RegistrationOptions, type RegistrationState } from '../../src/ua/registration/registration.js';
import { connectToServer, type ServerConnection } from '../../src/ua/connection/server-connection.js';
import { waitFor } from '../support/wait-for.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'registration-kamailio' });
const DOMAIN = 'callscope.lab';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});


/** Connects to `server`, makes an endpoint and a Registration for `user`; everything is closed after the test. */
async function account(server: 'wss' | 'udp' | 'tcp' | 'tls', user: string, options: Partial<RegistrationOptions> = {}) {
  const proxy = lab().proxy;
  const spec = {
    wss: proxy.wssUrl, udp: `sip:127.0.0.1:${proxy.ports.udp}`, tcp: `sip:127.0.0.1:${proxy.ports.tcp};transport=tcp`, tls: `sips:127.0.0.1:${proxy.ports.tls}`,
  }[server];
  const result = await connectToServer(spec, { caFile: proxy.caFile });
  if (!result.ok) throw new Error(result.error.reason);
  const connection: ServerConnection = result.value;
  const diagnostics = new DiagnosticsStream();
  const events: DiagnosticsEvent[] = [];
  diagnostics.subscribe((e) => events.push(e));
  const endpoint = new SipEndpoint({ transport: connection.transport, outboundProxy: connection.outboundProxy, diagnostics });
  const registration = new Registration({
    endpoint, aor: `sip:${user}@${DOMAIN}`, credentials: { username: user, password: lab().accounts.find((a) => a.user === user)?.password ?? 'no-such-account' },
    instanceId: newInstanceId(), currentFlowId: () => connection.flowId, ...options,
  });
  const states: RegistrationState[] = [];
  registration.on('state', (s) => states.push(s));
  cleanups.push(async () => {
    await registration.stop({ timeoutMs: 3000 });
    endpoint.close();
    await connection.close();
  });
  /** The REGISTERs that went over the wire (first transmissions and retransmissions alike). */
  const registersSent = () => events.filter((e) => e.type === 'message-sent' && Buffer.from(e.raw).toString('latin1').startsWith('REGISTER '));
  const responses = () => events.flatMap((e) => {
    if (e.type !== 'message-received') return [];
    const parsed = parseMessage(e.raw);
    return parsed.ok && parsed.value.kind === 'response' && parsed.value.cseq.method === 'REGISTER' ? [parsed.value] : [];
  });
  return { connection, endpoint, registration, states, events, registersSent, responses };
}

describe('REGISTER with a digest challenge from Kamailio (MD5)', () => {
  it('over WSS: 401, then 200 with our Contact (RFC 7118 .invalid host, transport=ws, ob, +sip.instance, reg-id)', async () => {
    const a = await account('wss', 'alice');
    const state = await a.registration.start();
    expect(state).toMatchObject({ name: 'registered', expiresS: 600 });
    expect(a.responses().map((r) => r.status)).toEqual([401, 200]);
    const challenge = a.responses()[0]!.wwwAuthenticate[0]!;
    expect(challenge.params.get('realm')?.value).toBe(DOMAIN);
    expect(challenge.params.get('algorithm')?.value ?? 'MD5').toBe('MD5');
    expect(state.name === 'registered' && state.contact).toMatch(/^sip:alice@[0-9a-f]+\.invalid;transport=ws;ob$/);
    const ok = a.responses()[1]!;
    const ours = ok.contacts.find((c) => 'host' in c.uri && state.name === 'registered' && state.contact.includes(c.uri.host));
    expect(ours).toMatchObject({ expires: 600, regId: 1 });
    // every REGISTER transaction carries the account's tag
    const created = a.events.filter((e) => e.type === 'transaction-created');
    expect(created.length).toBe(2);
    expect(created.every((e) => e.type === 'transaction-created' && e.callTag === `register:sip:alice@${DOMAIN}`)).toBe(true);
    // unregister on stop: 200 to Expires: 0
    expect(await a.registration.stop()).toEqual({ ok: true, removed: true });
    expect(a.registration.state).toEqual({ name: 'unregistered' });
    const last = a.responses().at(-1)!;
    expect(last.status).toBe(200);
    expect(last.contacts.find((c) => 'host' in c.uri && state.name === 'registered' && state.contact.includes(c.uri.host))).toBeUndefined();
  });

  it('over UDP: registered with the bound address as Contact', async () => {
    const b = await account('udp', 'bob');
    const state = await b.registration.start();
    const { port } = b.connection.transport.sentBy;
    expect(state).toMatchObject({ name: 'registered', expiresS: 600, contact: `sip:bob@127.0.0.1:${port}` });
    expect(b.responses().map((r) => r.status)).toEqual([401, 200]);
    // no reg-id over UDP (RFC 5626 §4.2 is for flows)
    expect(b.responses()[1]!.contacts.find((c) => 'port' in c.uri && c.uri.port === port)?.regId).toBeUndefined();
  });

  it.each(['tcp', 'tls'] as const)('over %s (a client flow): registered with reg-id, the flow\'s local address as Contact', async (kind) => {
    const a = await account(kind, 'alice');
    const state = await a.registration.start();
    const { host, port } = a.connection.transport.sentBy;
    expect(state).toMatchObject({ name: 'registered', expiresS: 600, contact: `sip:alice@${host}:${port};transport=${kind}` });
    expect(a.responses().map((r) => r.status)).toEqual([401, 200]);
    expect(a.responses()[1]!.contacts.find((c) => 'port' in c.uri && c.uri.port === port)).toMatchObject({ regId: 1 });
  });

  it('honours the expiry Kamailio grants (max_expires 3600 when 7200 is asked)', async () => {
    const c = await account('udp', 'carol', { expiresS: 7200 });
    expect(await c.registration.start()).toMatchObject({ name: 'registered', expiresS: 3600, refreshInMs: 3_240_000 });
  });

  it('a wrong password: failed with 401 and the reason, two REGISTERs on the wire, and no more', async () => {
    const d = await account('wss', 'dave', { credentials: { username: 'dave', password: 'not-the-password' } });
    const state = await d.registration.start();
    expect(state).toEqual({ name: 'failed', status: 401, reason: `401 Unauthorized: the credentials for realm "${DOMAIN}" were refused` });
    await new Promise((r) => setTimeout(r, 3000));
    expect(d.registersSent()).toHaveLength(2);
    expect(d.registration.state).toEqual(state);
    expect(JSON.stringify(d.states)).not.toContain('not-the-password');
  });

  it('an account Kamailio does not know: failed with 403 and its reason, no retry', async () => {
    const m = await account('udp', 'mallory');
    const state = await m.registration.start();
    expect(state).toEqual({ name: 'failed', status: 403, reason: '403 Unknown lab account' });
    await new Promise((r) => setTimeout(r, 2000));
    expect(m.registersSent()).toHaveLength(2);
  });
});

describe('the registration is usable', () => {
  it('a SIPp caller through Kamailio reaches the WebSocket UA registered as carol (answered 486 here)', async () => {
    const c = await account('wss', 'carol');
    const invites: string[] = [];
    c.endpoint.handle('INVITE', (request, transaction) => {
      invites.push(request.requestUriText);
      c.endpoint.reply(transaction, 486);
    });
    expect(await c.registration.start()).toMatchObject({ name: 'registered' });
    const caller = await lab().startUac('uac-basic', 'carol');
    const result = await caller.result;
    // the scenario expects a 200; it got our 486, so SIPp reports the call failed
    expect(result.ok).toBe(false);
    expect(invites).toHaveLength(1);
    const registered = c.registration.state;
    expect(registered.name === 'registered' && invites[0]!.startsWith(registered.contact.replace(/;.*$/, ''))).toBe(true);
    expect(caller.messageLog()).toMatch(/^SIP\/2\.0 486 Busy Here/m);
    await waitFor(() => c.events.some((e) => e.type === 'message-received' && Buffer.from(e.raw).toString('latin1').startsWith('ACK ')), 'the ACK for the 486', 15_000);
  });
});
