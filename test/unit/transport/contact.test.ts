import { describe, expect, it } from 'vitest';
import { contactAddress, contactUri } from '../../../src/transport/contact.js';
import { WebSocketTransport } from '../../../src/transport/ws-transport.js';

describe('Contact helper', () => {
  it('WebSocket: the random .invalid host, transport=ws and ob (RFC 7118 §5.2, RFC 5626)', async () => {
    const t = new WebSocketTransport({ servers: ['wss://127.0.0.1:1'] });
    expect(t.sentBy.host).toMatch(/^[0-9a-f]{12}\.invalid$/);
    expect(contactUri(t, 'alice')).toBe(`sip:alice@${t.sentBy.host};transport=ws;ob`);
    expect(contactUri(t, 'alice', { outbound: false })).toBe(`sip:alice@${t.sentBy.host};transport=ws`);
    const ws = new WebSocketTransport({ servers: ['ws://127.0.0.1:1'] });
    expect(ws.protocol).toBe('WS');
    expect(contactUri(ws)).toBe(`sip:${ws.sentBy.host};transport=ws;ob`);
    expect(new WebSocketTransport({ servers: ['ws://a'] }).sentBy.host).not.toBe(ws.sentBy.host);
    await t.close();
    await ws.close();
  });

  it('UDP has no transport parameter; TCP/TLS name theirs; IPv6 gets brackets', () => {
    expect(contactUri({ protocol: 'UDP', sentBy: { host: '192.0.2.1', port: 5060 } }, 'bob')).toBe('sip:bob@192.0.2.1:5060');
    expect(contactUri({ protocol: 'TCP', sentBy: { host: '::1', port: 5070 } }, 'bob')).toBe('sip:bob@[::1]:5070;transport=tcp');
    expect(contactUri({ protocol: 'TLS', sentBy: { host: 'pc.example.com', port: 5061 } }, 'bob', { outbound: true }))
      .toBe('sip:bob@pc.example.com:5061;transport=tls;ob');
    expect(contactAddress({ protocol: 'TCP', sentBy: { host: '::1', port: 5070 } })).toEqual({
      host: '::1', port: 5070, uriParams: new Map([['transport', 'tcp']]),
    });
  });

  it('refuses mixed ws:// and wss:// server lists and non-WebSocket URLs', () => {
    expect(() => new WebSocketTransport({ servers: ['ws://a', 'wss://b'] })).toThrow(/all ws:\/\/ or all wss:\/\//);
    expect(() => new WebSocketTransport({ servers: ['https://a'] })).toThrow(/not a WebSocket URL/);
    expect(() => new WebSocketTransport({ servers: [] })).toThrow(/at least one/);
  });
});
