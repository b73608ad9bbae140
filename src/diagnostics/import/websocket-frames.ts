// RFC 6455 §5 framing, for reading SIP over unencrypted WebSocket (RFC 7118)
// out of a TCP stream: FIN/opcode, 7/16/64-bit lengths, client masking,
// fragmented messages (continuation frames). Control frames are dropped.

export interface WsMessage {
  readonly data: Uint8Array;
  readonly text: boolean;
}

export type WsEvent = { readonly type: 'message'; readonly message: WsMessage } | { readonly type: 'error'; readonly reason: string };

const MAX_MESSAGE = 1 << 22;

export class WebSocketDeframer {
  private buf = new Uint8Array(0);
  private fragments: Uint8Array[] = [];
  private fragmentText = false;
  private failed = false;

  push(chunk: Uint8Array): WsEvent[] {
    if (this.failed) return [];
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    this.buf = joined;
    const out: WsEvent[] = [];
    for (;;) {
      const b = this.buf;
      if (b.length < 2) break;
      const fin = (b[0]! & 0x80) !== 0;
      const opcode = b[0]! & 0x0f;
      const masked = (b[1]! & 0x80) !== 0;
      let length = b[1]! & 0x7f;
      let o = 2;
      if (length === 126) {
        if (b.length < 4) break;
        length = (b[2]! << 8) | b[3]!;
        o = 4;
      } else if (length === 127) {
        if (b.length < 10) break;
        const high = ((b[2]! << 24) | (b[3]! << 16) | (b[4]! << 8) | b[5]!) >>> 0;
        const low = ((b[6]! << 24) | (b[7]! << 16) | (b[8]! << 8) | b[9]!) >>> 0;
        length = high * 2 ** 32 + low;
        o = 10;
      }
      if (length > MAX_MESSAGE || (b[0]! & 0x70) !== 0) {
        this.failed = true;
        out.push({ type: 'error', reason: length > MAX_MESSAGE ? `WebSocket frame of ${length} bytes is too large` : 'WebSocket frame with reserved bits set (extension not supported)' });
        return out;
      }
      const key = masked ? b.subarray(o, o + 4) : undefined;
      if (masked) o += 4;
      if (b.length < o + length) break;
      const payload = b.slice(o, o + length);
      if (key) for (let i = 0; i < payload.length; i++) payload[i]! ^= key[i & 3]!;
      this.buf = b.subarray(o + length);
      if (opcode >= 8) continue; // close, ping, pong
      if (opcode === 1 || opcode === 2) {
        this.fragments = [payload];
        this.fragmentText = opcode === 1;
      } else if (opcode === 0) {
        if (this.fragments.length === 0) {
          out.push({ type: 'error', reason: 'WebSocket continuation frame without a first frame; skipped' });
          continue;
        }
        this.fragments.push(payload);
      } else {
        out.push({ type: 'error', reason: `WebSocket frame with unknown opcode ${opcode}; skipped` });
        continue;
      }
      if (!fin) continue;
      const total = this.fragments.reduce((n, f) => n + f.length, 0);
      const data = new Uint8Array(total);
      let p = 0;
      for (const f of this.fragments) {
        data.set(f, p);
        p += f.length;
      }
      this.fragments = [];
      out.push({ type: 'message', message: { data, text: this.fragmentText } });
    }
    return out;
  }
}

/** Builds one frame (for tests and exports): FIN set, masked when a key is given. */
export function encodeWebSocketFrame(payload: Uint8Array, options: { opcode?: number; fin?: boolean; mask?: Uint8Array } = {}): Uint8Array {
  const { opcode = 1, fin = true, mask } = options;
  const lengthBytes = payload.length < 126 ? 0 : payload.length < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + lengthBytes + (mask ? 4 : 0) + payload.length);
  out[0] = (fin ? 0x80 : 0) | opcode;
  let o = 2;
  if (lengthBytes === 0) out[1] = payload.length;
  else if (lengthBytes === 2) {
    out[1] = 126;
    out[2] = payload.length >> 8;
    out[3] = payload.length & 0xff;
    o = 4;
  } else {
    out[1] = 127;
    new DataView(out.buffer).setBigUint64(2, BigInt(payload.length));
    o = 10;
  }
  if (mask) {
    out[1]! |= 0x80;
    out.set(mask, o);
    o += 4;
    for (let i = 0; i < payload.length; i++) out[o + i] = payload[i]! ^ mask[i & 3]!;
  } else out.set(payload, o);
  return out;
}
