// A SIP-over-WebSocket peer for the phone benchmark, on 127.0.0.1: it answers REGISTER
// with 200 (no digest), notes the time each INVITE arrives, and answers it 486 so the call
// ends at once. Its HTTP side serves a blank page (a secure context on 127.0.0.1) where
// SIP.js runs for comparison.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface FakeRegistrar {
  readonly port: number;
  /** Resolves with Date.now() when the next INVITE arrives. */
  nextInvite(): Promise<number>;
  close(): Promise<void>;
}

function header(message: string, name: string): string[] {
  const re = new RegExp(`^${name}\\s*:(.*)$`, 'gim');
  return [...message.split('\r\n\r\n')[0]!.matchAll(re)].map((m) => m[1]!.trim());
}

function reply(request: string, status: string, extra: string[] = []): string {
  const lines = [`SIP/2.0 ${status}`];
  for (const name of ['Via', 'From', 'Call-ID', 'CSeq']) for (const value of header(request, name)) lines.push(`${name}: ${value}`);
  const to = header(request, 'To')[0] ?? '';
  lines.push(`To: ${to}${/;tag=/.test(to) ? '' : ';tag=bench'}`, ...extra, 'Content-Length: 0', '', '');
  return lines.join('\r\n');
}

export async function startFakeRegistrar(): Promise<FakeRegistrar> {
  const server: Server = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html');
    res.end('<!doctype html><title>bench</title>');
  });
  const wss = new WebSocketServer({ server, handleProtocols: () => 'sip' });
  const waiting: Array<(at: number) => void> = [];
  wss.on('connection', (ws: WebSocket) => {
    ws.on('message', (data) => {
      const text = data.toString();
      const method = text.slice(0, text.indexOf(' '));
      if (method === 'REGISTER') {
        const contact = header(text, 'Contact')[0] ?? '';
        ws.send(reply(text, '200 OK', contact === '' ? [] : [`Contact: ${contact};expires=600`]));
      } else if (method === 'INVITE') {
        const at = Date.now();
        waiting.shift()?.(at);
        ws.send(reply(text, '486 Busy Here'));
      } else if (method === 'OPTIONS' || method === 'BYE' || method === 'CANCEL') {
        ws.send(reply(text, '200 OK'));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    nextInvite: () => new Promise((resolve) => waiting.push(resolve)),
    close: () => new Promise((resolve) => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.close(() => resolve());
    }),
  };
}
