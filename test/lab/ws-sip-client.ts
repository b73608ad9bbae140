// Test gear, deliberately independent of Callscope's own SIP code: a bare
// WebSocket SIP client (RFC 7118) that sends text and waits for messages,
// plus just enough parsing and digest arithmetic for the lab's self-test.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

export class RawWsSipClient {
  private readonly inbox: string[] = [];
  private waiters: Array<() => void> = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.inbox.push(data.toString());
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Connects with the `sip` subprotocol, verifying TLS against `caFile` for wss://. */
  static connect(url: string, caFile?: string): Promise<RawWsSipClient> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, 'sip', caFile ? { ca: readFileSync(caFile) } : {});
      socket.once('open', () => resolve(new RawWsSipClient(socket)));
      socket.once('error', reject);
    });
  }

  send(message: string): void {
    this.socket.send(message);
  }

  /** The first received message (past or future) for which `match` holds; it is removed from the inbox. */
  async receive(match: (message: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex(match);
      if (index >= 0) return this.inbox.splice(index, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching SIP message within ${timeoutMs} ms; inbox:\n${this.inbox.join('\n---\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.close();
  }
}

/** Builds a SIP message from a start line, header lines and an optional body. */
export function sipMessage(startLine: string, headers: readonly string[], body = ''): string {
  return [startLine, ...headers, `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

export const statusOf = (message: string): number => Number(/^SIP\/2\.0 (\d{3})/.exec(message)?.[1] ?? 0);
export const cseqOf = (message: string): string => headerValues(message, 'CSeq')[0] ?? '';
export const bodyOf = (message: string): string => message.slice(message.indexOf('\r\n\r\n') + 4);

/** Every value of a header (by full name), one entry per header line. */
export function headerValues(message: string, name: string): string[] {
  const head = message.slice(0, message.indexOf('\r\n\r\n'));
  return head.split('\r\n').slice(1)
    .filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`))
    .map((line) => line.slice(name.length + 1).trim());
}

export const randomToken = (): string => randomBytes(6).toString('hex');

/** RFC 7616 digest response with qop=auth for a challenge header value. */
export function digestAuthorization(challenge: string, request: { method: string; uri: string; user: string; password: string }): string {
  const param = (name: string) => new RegExp(`${name}="?([^",]+)"?`, 'i').exec(challenge)?.[1];
  const realm = param('realm') ?? '';
  const nonce = param('nonce') ?? '';
  const algorithm = param('algorithm') ?? 'MD5';
  const hash = (text: string) => createHash(algorithm.toUpperCase() === 'SHA-256' ? 'sha256' : 'md5').update(text).digest('hex');
  const cnonce = randomToken();
  const nc = '00000001';
  const ha1 = hash(`${request.user}:${realm}:${request.password}`);
  const ha2 = hash(`${request.method}:${request.uri}`);
  const response = hash(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
  const opaque = param('opaque');
  return `Digest username="${request.user}", realm="${realm}", nonce="${nonce}", uri="${request.uri}", ` +
    `response="${response}", algorithm=${algorithm}, qop=auth, nc=${nc}, cnonce="${cnonce}"` +
    (opaque ? `, opaque="${opaque}"` : '');
}
