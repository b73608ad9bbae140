// Callscope's transports against the lab's Kamailio: an OPTIONS answered
// over UDP, TCP, TLS, WS and WSS; WSS verified against the lab CA (and
// refused, with a clear reason, without it); RFC 5626 keep-alives answered
// (WebSocket pings on WSS, CRLFCRLF on TCP and TLS); and Kamailio stopped and
// restarted under a connected WSS flow.
import { randomBytes } from 'node:crypto';
import { connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/message/index.js';
import type { SipResponse } from '../../src/message/index.js';
import { createTcpTransport } from '../../src/transport/tcp-transport.js';
import { createTlsTransport } from '../../src/transport/tls-transport.js';
import { TransportError } from '../../src/transport/transport.js';
import type { InboundMessage, Transport, TransportAddress, TransportStateChange } from '../../src/transport/transport.js';
import { createUdpTransport } from '../../src/transport/udp-transport.js';
import { WebSocketTransport } from '../../src/transport/ws-transport.js';
import type { WebSocketTransportOptions } from '../../src/transport/ws-transport.js';
import { makeLabCertificates } from './certs.js';
import { useLab } from './vitest-lab.js';

// Kamailio answers `OPTIONS sip:127.0.0.1:<port>` (no user) with 200 Keepalive.
const token = () => randomBytes(6).toString('hex');

function optionsRequest(transport: Transport, proxyPort: number): { text: string; branch: string } {
  const { host, port } = transport.sentBy;
  const sentBy = `${host.includes(':') ? `[${host}]` : host}${port === undefined ? '' : `:${port}`}`;
  const branch = `z9hG4bK${token()}`;
  const text = [
    `OPTIONS sip:127.0.0.1:${proxyPort} SIP/2.0`,
    `Via: SIP/2.0/${transport.protocol} ${sentBy};branch=${branch};rport`,
    'Max-Forwards: 70',
    `From: <sip:transport-test@callscope.lab>;tag=${token()}`,
    `To: <sip:127.0.0.1:${proxyPort}>`,
    `Call-ID: ${token()}@callscope.lab`,
    'CSeq: 1 OPTIONS',
    'Content-Length: 0',
    '', '',
  ].join('\r\n');
  return { text, branch };
}

/** Sends OPTIONS to the proxy through `transport` and resolves with the parsed response and where it came from. */
async function optionsThrough(transport: Transport, destination: TransportAddress, timeoutMs = 5000): Promise<{ response: SipResponse; inbound: InboundMessage }> {
  const { text, branch } = optionsRequest(transport, destination.port);
  const answer = new Promise<{ response: SipResponse; inbound: InboundMessage }>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no response to OPTIONS over ${transport.protocol} within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = transport.on('message', (inbound) => {
      const parsed = parseMessage(inbound.data, { framing: transport.reliable ? 'stream' : 'datagram' });
      if (!parsed.ok || parsed.value.kind !== 'response' || parsed.value.via[0]?.branch !== branch) return;
      clearTimeout(timer);
      off();
      resolve({ response: parsed.value, inbound });
    });
  });
  await transport.send(new TextEncoder().encode(text), destination);
  return answer;
}

/** Waits (wall clock) for the `count`-th state change matching `state` in `states`. */
async function stateReached(states: readonly TransportStateChange[], state: TransportStateChange['state'], count = 1, timeoutMs = 20_000): Promise<TransportStateChange> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = states.filter((s) => s.state === state)[count - 1];
    if (found) return found;
    if (Date.now() > deadline) {
      throw new Error(`no '${state}' #${count} within ${timeoutMs} ms; states so far:\n${states.map((s) => JSON.stringify(s)).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const lab = useLab({ name: 'transport-kamailio', rtpengine: false });
const closeAfter: Transport[] = [];
afterEach(async () => {
  for (const t of closeAfter.splice(0)) await t.close();
});

function recordStates(t: Transport): TransportStateChange[] {
  const states: TransportStateChange[] = [];
  t.on('state', (s) => states.push(s));
  return states;
}

function wss(options: Partial<WebSocketTransportOptions> = {}) {
  const t = new WebSocketTransport({ servers: [{ url: lab().proxy.wssUrl, caFile: lab().proxy.caFile }], ...options });
  closeAfter.push(t);
  const states = recordStates(t);
  t.connect();
  return { t, states };
}

describe('an OPTIONS to Kamailio gets its 200 through each transport', () => {
  const ok = (response: SipResponse) => {
    expect(response.status).toBe(200);
    expect(response.reason).toBe('Keepalive');
  };

  it('UDP', async () => {
    const t = await createUdpTransport({ host: '127.0.0.1', port: 0 });
    closeAfter.push(t);
    const port = lab().proxy.ports.udp;
    const { response, inbound } = await optionsThrough(t, { protocol: 'UDP', host: '127.0.0.1', port });
    ok(response);
    expect(inbound.source).toEqual({ protocol: 'UDP', host: '127.0.0.1', port });
    expect(inbound.local).toEqual(t.localAddress);
    expect(response.via[0]!.rport).toBe(t.localAddress.port); // RFC 3581: the proxy filled in rport
  });

  it('TCP (a connection opened for the destination)', async () => {
    const t = await createTcpTransport();
    closeAfter.push(t);
    const port = lab().proxy.ports.tcp;
    const { response, inbound } = await optionsThrough(t, { protocol: 'TCP', host: '127.0.0.1', port });
    ok(response);
    expect(inbound.source).toEqual({ protocol: 'TCP', host: '127.0.0.1', port });
    expect(inbound.flowId).toMatch(/^tcp-/);
  });

  it('TLS (a client flow verified against the lab CA)', async () => {
    const port = lab().proxy.ports.tls;
    const t = await createTlsTransport({ servers: [{ host: '127.0.0.1', port, caFile: lab().proxy.caFile }] });
    closeAfter.push(t);
    const states = recordStates(t);
    t.connect();
    await stateReached(states, 'connected');
    const { response, inbound } = await optionsThrough(t, { protocol: 'TLS', host: '127.0.0.1', port });
    ok(response);
    expect(inbound.flowId).toBe(t.clientFlowLink!.flowId);
    expect(inbound.local).toEqual(t.clientFlowLink!.local);
  });

  it('WS', async () => {
    const t = new WebSocketTransport({ servers: [lab().proxy.wsUrl] });
    closeAfter.push(t);
    const states = recordStates(t);
    t.connect();
    await stateReached(states, 'connected');
    const { response, inbound } = await optionsThrough(t, { protocol: 'WS', host: '127.0.0.1', port: lab().proxy.ports.ws });
    ok(response);
    expect(inbound.source).toEqual({ protocol: 'WS', host: '127.0.0.1', port: lab().proxy.ports.ws });
  });

  it('WSS, with the RFC 7118 .invalid Via host', async () => {
    const { t, states } = wss();
    await stateReached(states, 'connected');
    const { response } = await optionsThrough(t, { protocol: 'WSS', host: '127.0.0.1', port: lab().proxy.ports.wss });
    ok(response);
    expect(response.via[0]!.host).toBe(t.sentBy.host);
    expect(t.sentBy.host).toMatch(/\.invalid$/);
  });
});

describe('WSS verification against the lab CA', () => {
  const FIX = "add the server's CA file or turn on 'accept invalid certificate' for this server";

  it('connects when the lab CA file is given', async () => {
    const { states } = wss();
    expect(await stateReached(states, 'connected')).toMatchObject({ target: lab().proxy.wssUrl });
  });

  it('without a CA file: failed, certificate not trusted, and what to do', async () => {
    const { states } = wss({ servers: [lab().proxy.wssUrl] });
    const failed = await stateReached(states, 'failed');
    expect(failed.reason).toBe(`certificate for 127.0.0.1 is not trusted: unable to verify the first certificate — ${FIX}`);
  });

  it("with another CA's file: failed, not trusted", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callscope-other-ca-'));
    try {
      const other = makeLabCertificates(dir);
      const { states } = wss({ servers: [{ url: lab().proxy.wssUrl, caFile: other.caFile }] });
      const failed = await stateReached(states, 'failed');
      expect(failed.reason).toMatch(/^certificate for 127\.0\.0\.1 is not trusted: /);
      expect(failed.reason).toContain(FIX);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RFC 5626 keep-alive answered by Kamailio', () => {
  // The pong timeout (700 ms) is far shorter than the run (about 10 pings): one
  // unanswered ping would fail the flow.
  const keepAlive = { intervalMs: 250, pongTimeoutMs: 700 };
  const RUN_MS = 3000;

  it('WSS: WebSocket ping frames get pongs, the flow stays up', async () => {
    const { t, states } = wss({ flow: { keepAlive } });
    await stateReached(states, 'connected');
    await new Promise((r) => setTimeout(r, RUN_MS));
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    const { response } = await optionsThrough(t, { protocol: 'WSS', host: '127.0.0.1', port: lab().proxy.ports.wss });
    expect(response.status).toBe(200);
  });

  it.each(['TCP', 'TLS'] as const)('%s: Kamailio itself answers a raw CRLFCRLF with a CRLF (checked without Callscope code)', async (protocol) => {
    const port = protocol === 'TCP' ? lab().proxy.ports.tcp : lab().proxy.ports.tls;
    const socket = protocol === 'TCP'
      ? connectTcp(port, '127.0.0.1')
      : connectTls({ host: '127.0.0.1', port, ca: readFileSync(lab().proxy.caFile) });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once(protocol === 'TCP' ? 'connect' : 'secureConnect', () => resolve());
        socket.once('error', reject);
      });
      const answer = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString('latin1'))));
      socket.write('\r\n\r\n');
      expect(await answer).toBe('\r\n');
    } finally {
      socket.destroy();
    }
  });

  it.each(['TCP', 'TLS'] as const)('%s: CRLFCRLF pings get CRLF pongs, the flow stays up', async (protocol) => {
    const port = protocol === 'TCP' ? lab().proxy.ports.tcp : lab().proxy.ports.tls;
    const server = { host: '127.0.0.1', port, caFile: lab().proxy.caFile };
    const t = protocol === 'TCP'
      ? await createTcpTransport({ servers: [server], flow: { keepAlive } })
      : await createTlsTransport({ servers: [server], flow: { keepAlive } });
    closeAfter.push(t);
    const states = recordStates(t);
    t.connect();
    await stateReached(states, 'connected');
    await new Promise((r) => setTimeout(r, RUN_MS));
    expect(states.map((s) => s.state)).toEqual(['connecting', 'connected']);
    const { response } = await optionsThrough(t, { protocol, host: '127.0.0.1', port });
    expect(response.status).toBe(200);
  });
});

describe('Kamailio stopped and restarted under a WSS flow', () => {
  it('reports failed with a reason, reconnects with growing backoff, rejects sends meanwhile, and is connected again', async () => {
    const { t, states } = wss({ flow: { keepAlive: { intervalMs: 1000, pongTimeoutMs: 2000 }, reconnect: { baseMs: 200, maxMs: 3000 } } });
    const destination = { protocol: 'WSS' as const, host: '127.0.0.1', port: lab().proxy.ports.wss };
    await stateReached(states, 'connected');
    expect((await optionsThrough(t, destination)).response.status).toBe(200);

    await lab().stopProxy();
    const failed = await stateReached(states, 'failed');
    expect(failed.target).toBe(lab().proxy.wssUrl);
    expect(failed.reason).toMatch(new RegExp(`^(connection closed by ${lab().proxy.wssUrl} \\(WebSocket close code \\d+|connection to ${lab().proxy.wssUrl} lost)`));
    expect(failed.flowId).toMatch(/^wss-/);

    // three rounds of refused connections: 200-400 ms, 400-800 ms, 800-1600 ms
    const third = await stateReached(states, 'reconnecting', 3);
    const waits = states.filter((s) => s.state === 'reconnecting').map((s) => s.retryInMs!);
    expect(waits[0]).toBeGreaterThanOrEqual(200);
    expect(waits[0]).toBeLessThanOrEqual(400);
    expect(waits[1]).toBeGreaterThanOrEqual(400);
    expect(waits[2]).toBeGreaterThan(waits[0]!);
    expect(third.reason).toMatch(/connection refused/);

    const error = await t.send(new TextEncoder().encode(optionsRequest(t, destination.port).text), destination).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/^not connected to wss:\/\/127\.0\.0\.1:\d+: (reconnecting in|still connecting)/);

    const connectedBefore = states.filter((s) => s.state === 'connected').length;
    await lab().restartProxy();
    await stateReached(states, 'connected', connectedBefore + 1, 30_000);
    expect((await optionsThrough(t, destination)).response.status).toBe(200);
    // the whole story, in order
    const story = states.map((s) => s.state).filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(story.slice(0, 4)).toEqual(['connecting', 'connected', 'failed', 'reconnecting']);
    expect(story.at(-1)).toBe('connected');
  });
});
