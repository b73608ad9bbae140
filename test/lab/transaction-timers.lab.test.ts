// Callscope's transaction timers seen from real peers, with T1 scaled down to
// 50 ms (T2 = 400 ms): intervals are read from SIPp's own trace of what it
// received, not from Callscope's clock.
//
// Tolerance: an interval may come late by up to 40 ms + 30 % (timers on a
// loaded two-core machine fire late, never early) and early by at most 15 ms
// (the two processes' clocks and scheduling).
import { afterEach, describe, expect, it } from 'vitest';
import { buildRequest, randomToken } from '../../src/message/index.js';
import type { SipRequest, SipResponse } from '../../src/message/index.js';
import type { DiagnosticsEvent } from '../../src/trace/events.js';
import { TransactionLayer, type TransactionUser } from '../../src/transaction/transaction-layer.js';
import type { Transport, TransportAddress } from '../../src/transport/transport.js';
import { createUdpTransport } from '../../src/transport/udp-transport.js';
import { createWebSocketTransport } from '../../src/transport/ws-transport.js';
import { intervals, parseSippTrace } from './sipp-trace.js';
import { useLab } from './vitest-lab.js';

const T1 = 50;
const T2 = 400;

function expectInterval(measured: number, expected: number, what: string): void {
  const late = 40 + 0.3 * expected;
  expect(measured, `${what}: ${measured.toFixed(1)} ms, expected ${expected} ms (-15/+${late})`).toBeGreaterThanOrEqual(expected - 15);
  expect(measured, `${what}: ${measured.toFixed(1)} ms, expected ${expected} ms (-15/+${late})`).toBeLessThanOrEqual(expected + late);
}

const ignoreCore: TransactionUser = { onRequest: () => undefined, onAck: () => undefined, onStrayResponse: () => undefined };

interface Outcome {
  readonly responses: SipResponse[];
  readonly ended: Promise<{ how: 'timeout' | 'transport' | 'final'; at: number }>;
}

function collect(layer: TransactionLayer): { user: Parameters<TransactionLayer['sendRequest']>[2]; outcome: Outcome } {
  const responses: SipResponse[] = [];
  let finish!: (value: { how: 'timeout' | 'transport' | 'final'; at: number }) => void;
  const ended = new Promise<{ how: 'timeout' | 'transport' | 'final'; at: number }>((resolve) => { finish = resolve; });
  return {
    outcome: { responses, ended },
    user: {
      onResponse: (r) => {
        responses.push(r);
        if (r.status >= 200) finish({ how: 'final', at: layer.clock.now() });
      },
      onTimeout: () => finish({ how: 'timeout', at: layer.clock.now() }),
      onTransportError: () => finish({ how: 'transport', at: layer.clock.now() }),
    },
  };
}

function request(method: string, transport: Transport, uri: string): SipRequest {
  const built = buildRequest({
    method, uri, cseq: 1,
    via: [{
      transport: transport.protocol, host: transport.sentBy.host, branch: `z9hG4bK${randomToken()}`, rport: true,
      ...(transport.sentBy.port === undefined ? {} : { port: transport.sentBy.port }),
    }],
    from: { uri: 'sip:timer-test@127.0.0.1', tag: randomToken() },
    to: { uri },
    callId: `${randomToken()}@callscope.lab`,
    contact: [{ uri: `sip:timer-test@${transport.sentBy.host}${transport.sentBy.port ? `:${transport.sentBy.port}` : ''}` }],
  });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

describe('transaction timers against real peers (T1 = 50 ms)', () => {
  const lab = useLab({ name: 'transaction-timers', auth: false, rtpengine: false });
  const closers: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function udpLayer() {
    const transport = await createUdpTransport({ host: '127.0.0.1', port: lab().allocatePeerPort() });
    const layer = new TransactionLayer({ user: ignoreCore, timers: { t1: T1, t2: T2, t4: 500 } });
    layer.attach(transport);
    const events: DiagnosticsEvent[] = [];
    layer.diagnostics.subscribe((e) => events.push(e));
    closers.push(() => transport.close());
    return { transport, layer, events };
  }

  it('INVITE to a silent far end over UDP: Timer A doubles from T1 and Timer B gives up at 64*T1', async () => {
    const farEnd = await lab().startUas('uas-no-answer', { pauseMs: 5000, timeoutS: 10 });
    const { transport, layer } = await udpLayer();
    const destination: TransportAddress = { protocol: 'UDP', host: '127.0.0.1', port: farEnd.port };
    const { user, outcome } = collect(layer);
    const started = layer.clock.now();
    layer.sendRequest(request('INVITE', transport, `sip:silent@127.0.0.1:${farEnd.port}`), { transport, destination }, user);
    const end = await outcome.ended;
    expect(end.how).toBe('timeout');
    expectInterval(end.at - started, 64 * T1, 'Timer B');
    await farEnd.stop();

    const received = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received');
    expect(received.every((e) => e.startLine.startsWith('INVITE '))).toBe(true);
    // Sent at 0, T1, 3T1, 7T1, 15T1, 31T1, 63T1: seven in 64*T1.
    expect(received).toHaveLength(7);
    intervals(received).forEach((gap, i) => expectInterval(gap, T1 * 2 ** i, `Timer A retransmission ${i + 1}`));
  });

  it('OPTIONS to a silent far end over UDP: Timer E doubles up to T2, then stays at T2, until Timer F', async () => {
    const farEnd = await lab().startUas('uas-ignore-options', { pauseMs: 5000, timeoutS: 10 });
    const { transport, layer } = await udpLayer();
    const { user, outcome } = collect(layer);
    const started = layer.clock.now();
    layer.sendRequest(request('OPTIONS', transport, `sip:silent@127.0.0.1:${farEnd.port}`),
      { transport, destination: { protocol: 'UDP', host: '127.0.0.1', port: farEnd.port } }, user);
    const end = await outcome.ended;
    expect(end.how).toBe('timeout');
    expectInterval(end.at - started, 64 * T1, 'Timer F');
    await farEnd.stop();

    const received = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received');
    // Ideal: 0, 50, 150, 350, 750, 1150, ..., 3150 (11 sends); a late timer can push the last past Timer F.
    expect(received.length).toBeGreaterThanOrEqual(10);
    expect(received.length).toBeLessThanOrEqual(11);
    intervals(received).forEach((gap, i) => expectInterval(gap, Math.min(T1 * 2 ** i, T2), `Timer E retransmission ${i + 1}`));
  });

  it('a far end that repeats its 486 gets the ACK again from the Completed state, and the core sees the 486 once', async () => {
    const farEnd = await lab().startUas('uas-486-repeated', { timeoutS: 10, extraArgs: ['-nr'] });
    const { transport, layer, events } = await udpLayer();
    const { user, outcome } = collect(layer);
    const tx = layer.sendRequest(request('INVITE', transport, `sip:busy@127.0.0.1:${farEnd.port}`),
      { transport, destination: { protocol: 'UDP', host: '127.0.0.1', port: farEnd.port } }, user);
    expect((await outcome.ended).how).toBe('final');
    // The far end ends its scenario once it has both ACKs.
    expect((await farEnd.result).explanation).toBe('');
    expect(outcome.responses.map((r) => r.status)).toEqual([486]);
    expect(tx.state).toBe('Completed');
    const acks = events.filter((e) => e.type === 'message-sent' && Buffer.from(e.raw).toString('latin1').startsWith('ACK '));
    expect(acks).toHaveLength(2);
    expect(events.filter((e) => e.type === 'retransmission-absorbed')).toHaveLength(1);
    const sentAcks = parseSippTrace(farEnd.messageLog()).filter((e) => e.direction === 'received' && e.startLine.startsWith('ACK '));
    expect(sentAcks).toHaveLength(2);
    expect(sentAcks[0]!.text).toMatch(/^CSeq: 1 ACK$/m);
  });

  it('over WSS through Kamailio no request is ever retransmitted (no Timers A/E), and Timer F still ends the transaction', async () => {
    const farEnd = await lab().startUas('uas-ignore-options', { pauseMs: 5000, timeoutS: 10 });
    const transport = createWebSocketTransport({ servers: [{ url: lab().proxy.wssUrl, caFile: lab().proxy.caFile }] });
    const layer = new TransactionLayer({ user: ignoreCore, timers: { t1: T1, t2: T2, t4: 500 } });
    layer.attach(transport);
    closers.push(() => transport.close());
    const connected = new Promise<void>((resolve) => transport.on('state', (s) => { if (s.state === 'connected') resolve(); }));
    transport.connect();
    await connected;
    const events: DiagnosticsEvent[] = [];
    layer.diagnostics.subscribe((e) => events.push(e));
    const { user, outcome } = collect(layer);
    const proxy: TransportAddress = { protocol: 'WSS', host: '127.0.0.1', port: lab().proxy.ports.wss };
    const started = layer.clock.now();
    layer.sendRequest(request('OPTIONS', transport, lab().farEndUri(farEnd.port)), { transport, destination: proxy }, user);
    const end = await outcome.ended;
    expect(end.how).toBe('timeout');
    expectInterval(end.at - started, 64 * T1, 'Timer F');
    expect(events.filter((e) => e.type === 'message-sent')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'retransmission-sent')).toEqual([]);
    expect(events.filter((e) => e.type === 'timer-started').map((e) => e.type === 'timer-started' && e.timer)).toEqual(['F']);
    await farEnd.stop();
    // The far end did get the OPTIONS: the proxy relayed it.
    expect(parseSippTrace(farEnd.messageLog()).some((e) => e.direction === 'received' && e.startLine.startsWith('OPTIONS '))).toBe(true);
  });
});
