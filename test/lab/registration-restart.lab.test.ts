// Kamailio restarted under a registered WSS account: the transport notices
// and reconnects, the registration (lost with Kamailio's in-memory location
// table) comes back by itself over the new flow, and a SIPp caller reaches the
// UA again through the restarted proxy — the proof that the new binding is real.
import { afterAll, describe, expect, it } from 'vitest';
import { DiagnosticsStream, type DiagnosticsEvent } from '../../src/trace/events.js';
import { parseMessage } from '../../src/message/index.js';
import { SipEndpoint } from '../../src/ua/core/endpoint.js';
import { newInstanceId, Registration, type RegistrationState } from '../../src/ua/registration/registration.js';
import { connectToServer, type ServerConnection } from '../../src/ua/connection/server-connection.js';
import { waitFor } from '../support/wait-for.js';
import { useLab } from './vitest-lab.js';

const lab = useLab({ name: 'registration-restart' });


let close: (() => Promise<unknown>) | undefined;
afterAll(async () => {
  await close?.();
});

describe('Kamailio restarted under a registered WSS account', () => {
  it('registered -> failed (connection lost) -> registering -> registered again, and reachable through the new proxy', async () => {
    const proxy = lab().proxy;
    const result = await connectToServer(proxy.wssUrl, {
      caFile: proxy.caFile, flow: { reconnect: { baseMs: 200, maxMs: 2000 }, keepAlive: { intervalMs: 5000, pongTimeoutMs: 3000 } },
    });
    if (!result.ok) throw new Error(result.error.reason);
    const connection: ServerConnection = result.value;
    const diagnostics = new DiagnosticsStream();
    const events: DiagnosticsEvent[] = [];
    diagnostics.subscribe((e) => events.push(e));
    const endpoint = new SipEndpoint({ transport: connection.transport, outboundProxy: connection.outboundProxy, diagnostics });
    const alice = lab().account('alice');
    const registration = new Registration({
      endpoint, aor: 'sip:alice@callscope.lab', credentials: { username: alice.user, password: alice.password },
      instanceId: newInstanceId(), currentFlowId: () => connection.flowId,
    });
    close = async () => {
      await registration.stop({ timeoutMs: 3000 });
      endpoint.close();
      await connection.close();
    };
    const states: RegistrationState[] = [];
    registration.on('state', (s) => states.push(s));
    const invites: string[] = [];
    endpoint.handle('INVITE', (request, transaction) => {
      invites.push(request.callId);
      endpoint.reply(transaction, 486);
    });

    expect(await registration.start()).toMatchObject({ name: 'registered' });
    const firstFlow = connection.flowId;
    const before = states.length;

    await lab().restartProxy();
    await waitFor(() => states.length > before + 1 && registration.state.name === 'registered' && registration.state, 'registered again', 30_000);

    const story = states.slice(before).map((s) => s.name).filter((n, i, all) => i === 0 || n !== all[i - 1]);
    expect(story).toEqual(['failed', 'registering', 'registered']);
    const lost = states.slice(before).find((s) => s.name === 'failed');
    expect(lost).toMatchObject({ reason: expect.stringMatching(/^connection to the server lost: /) });
    expect(connection.flowId).not.toBe(firstFlow);

    // The restarted Kamailio knew neither the binding nor the nonce: our pre-emptive
    // credentials got a fresh challenge, answered once.
    const registerResponses = events.flatMap((e) => {
      if (e.type !== 'message-received') return [];
      const parsed = parseMessage(e.raw);
      return parsed.ok && parsed.value.kind === 'response' && parsed.value.cseq.method === 'REGISTER' ? [parsed.value.status] : [];
    });
    expect(registerResponses).toEqual([401, 200, 401, 200]);

    const caller = await lab().startUac('uac-basic', 'alice');
    await caller.result;
    expect(invites).toHaveLength(1);
    expect(caller.messageLog()).toMatch(/^SIP\/2\.0 486 Busy Here/m);
  });
});
