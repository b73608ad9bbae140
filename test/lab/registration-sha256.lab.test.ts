// Kamailio's auth module with `algorithm` SHA-256 (RFC 8760): the challenge
// says algorithm=SHA-256, and Callscope's answer, hashed with SHA-256, is
// accepted — over WSS and over UDP.
import { afterEach, describe, expect, it } from 'vitest';
import { DiagnosticsStream, type DiagnosticsEvent } from '../../src/trace/events.js';
import { parseMessage, type SipMessage } from '../../src/message/index.js';
import { SipEndpoint } from '../../src/ua/core/endpoint.js';
import { newInstanceId, Registration } from '../../src/ua/registration/registration.js';
import { connectToServer } from '../../src/ua/connection/server-connection.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'registration-sha256', authAlgorithm: 'SHA-256', rtpengine: false });

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('REGISTER with a SHA-256 digest challenge from Kamailio (RFC 8760)', () => {
  it.each(['wss', 'udp'] as const)('%s: challenged with algorithm=SHA-256, answered with SHA-256, registered', async (kind) => {
    const proxy = lab().proxy;
    const result = await connectToServer(kind === 'wss' ? proxy.wssUrl : `sip:127.0.0.1:${proxy.ports.udp}`, { caFile: proxy.caFile });
    if (!result.ok) throw new Error(result.error.reason);
    const diagnostics = new DiagnosticsStream();
    const messages: SipMessage[] = [];
    diagnostics.subscribe((e: DiagnosticsEvent) => {
      if (e.type !== 'message-sent' && e.type !== 'message-received') return;
      const parsed = parseMessage(e.raw);
      if (parsed.ok) messages.push(parsed.value);
    });
    const endpoint = new SipEndpoint({ transport: result.value.transport, outboundProxy: result.value.outboundProxy, diagnostics });
    const bob = lab().account('bob');
    const registration = new Registration({
      endpoint, aor: 'sip:bob@callscope.lab', credentials: { username: bob.user, password: bob.password },
      instanceId: newInstanceId(), currentFlowId: () => result.value.flowId,
    });
    cleanups.push(async () => {
      await registration.stop({ timeoutMs: 3000 });
      endpoint.close();
      await result.value.close();
    });
    expect(await registration.start()).toMatchObject({ name: 'registered', expiresS: 600 });
    const challenge = messages.find((m) => m.kind === 'response' && m.status === 401);
    expect(challenge?.wwwAuthenticate[0]?.params.get('algorithm')?.value).toBe('SHA-256');
    const answered = messages.find((m) => m.kind === 'request' && m.authorization.length > 0);
    const credentials = answered!.authorization[0]!.params;
    expect(credentials.get('algorithm')?.value).toBe('SHA-256');
    expect(credentials.get('response')?.value).toMatch(/^[0-9a-f]{64}$/);
  });

  it('the check is real: a wrong password under SHA-256 is refused after one answer', async () => {
    const proxy = lab().proxy;
    const result = await connectToServer(`sip:127.0.0.1:${proxy.ports.udp}`);
    if (!result.ok) throw new Error(result.error.reason);
    const endpoint = new SipEndpoint({ transport: result.value.transport, outboundProxy: result.value.outboundProxy });
    const registration = new Registration({ endpoint, aor: 'sip:bob@callscope.lab', credentials: { username: 'bob', password: 'wrong' } });
    cleanups.push(async () => {
      await registration.stop();
      endpoint.close();
      await result.value.close();
    });
    expect(await registration.start()).toEqual({
      name: 'failed', status: 401, reason: '401 Unauthorized: the credentials for realm "callscope.lab" were refused',
    });
  });
});
