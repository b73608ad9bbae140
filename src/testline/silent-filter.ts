// The `silent` number answers nothing at all, not even the 100 Trying an INVITE server
// transaction sends by itself after 200 ms (RFC 3261 §17.2.1): so its requests are
// dropped below the transaction layer, as a far end that is down would drop them. This
// wraps the line's transport and passes every other message up unchanged.
import type { SendOptions, Transport, TransportAddress, TransportEvents } from '../transport/transport.js';

/** The Request-URI user of a request's first line, lower case; undefined for a response. */
export function requestUser(data: Uint8Array): string | undefined {
  const head = Buffer.from(data.subarray(0, Math.min(data.length, 512))).toString('latin1');
  const match = /^[A-Z]+ sips?:([^@;?\s>]+)@/i.exec(head);
  if (!match || head.startsWith('SIP/')) return undefined;
  try {
    return decodeURIComponent(match[1]!).toLowerCase();
  } catch {
    return match[1]!.toLowerCase();
  }
}

export class SilentNumberFilter implements Transport {
  constructor(private readonly inner: Transport, private readonly silentUsers: ReadonlySet<string>) {}

  get protocol(): Transport['protocol'] {
    return this.inner.protocol;
  }

  get reliable(): boolean {
    return this.inner.reliable;
  }

  get sentBy(): Transport['sentBy'] {
    return this.inner.sentBy;
  }

  send(data: Uint8Array, destination: TransportAddress, options?: SendOptions): Promise<void> {
    return this.inner.send(data, destination, options);
  }

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    if (event !== 'message') return this.inner.on(event, listener);
    const deliver = listener as TransportEvents['message'];
    return this.inner.on('message', (message) => {
      const user = requestUser(message.data);
      if (user !== undefined && this.silentUsers.has(user)) return;
      deliver(message);
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
