// A large pcap written fast, for the streaming-analysis test and the bench:
// `calls` clean calls over UDP (INVITE with SDP, 100, 180, 200 with SDP, ACK,
// BYE, 200: 7 messages each), one starting every 1/rate s, each up for `holdMs`,
// between a few hundred caller and callee addresses. Nothing is kept in memory
// but the write buffer.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface SyntheticCapture {
  readonly calls: number;
  readonly messages: number;
  readonly bytes: number;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 10.1.0.1\r\ns=-\r\nc=IN IP4 10.1.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n';

function ip(n: number, net: number): number[] {
  return [10, net, (n >> 8) & 0xff, n & 0xff];
}

export function writeSyntheticCapture(file: string, options: { calls: number; callsPerSecond?: number; holdMs?: number }): SyntheticCapture {
  const rate = options.callsPerSecond ?? 100;
  const hold = options.holdMs ?? 2000;
  const fd = openSync(file, 'w');
  let buffer = Buffer.alloc(1 << 20);
  let used = 0;
  let bytes = 0;
  const flush = () => {
    writeSync(fd, buffer, 0, used);
    bytes += used;
    used = 0;
  };
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20); // Ethernet
  header.copy(buffer, 0);
  used = 24;
  const frame = (atMs: number, src: number[], dst: number[], text: string) => {
    const payload = Buffer.from(text, 'latin1');
    const length = 14 + 20 + 8 + payload.length;
    if (used + 16 + length > buffer.length) flush();
    if (16 + length > buffer.length) buffer = Buffer.alloc(16 + length);
    const b = buffer;
    let p = used;
    const micros = Math.round(atMs * 1000);
    b.writeUInt32LE(Math.floor(micros / 1e6), p); b.writeUInt32LE(micros % 1e6, p + 4);
    b.writeUInt32LE(length, p + 8); b.writeUInt32LE(length, p + 12);
    p += 16;
    b.fill(0, p, p + 12); b[p + 5] = 1; b[p + 11] = 2; b[p + 12] = 0x08; b[p + 13] = 0x00;
    p += 14;
    b[p] = 0x45; b[p + 1] = 0; b.writeUInt16BE(20 + 8 + payload.length, p + 2); b.writeUInt32BE(0x40000000, p + 4);
    b[p + 8] = 64; b[p + 9] = 17; b.writeUInt16BE(0, p + 10); b.set(src, p + 12); b.set(dst, p + 16);
    p += 20;
    b.writeUInt16BE(5060, p); b.writeUInt16BE(5060, p + 2); b.writeUInt16BE(8 + payload.length, p + 4); b.writeUInt16BE(0, p + 6);
    p += 8;
    payload.copy(b, p);
    used = p + payload.length;
  };
  // Messages leave in time order: each call's steps are queued and the queue is drained by time.
  const steps: Array<{ at: number; send: () => void }> = [];
  const start = 1_700_000_000_000;
  let written = 0;
  for (let k = 0; k < options.calls; k++) {
    const t0 = start + (k * 1000) / rate;
    const a = ip(k % 500, 1);
    const z = ip((k * 7) % 500, 2);
    const id = `synthetic-${k}@10.1.0.1`;
    const head = (first: string, branch: string, cseq: string, toTag: boolean) => [
      first, `Via: SIP/2.0/UDP ${a.join('.')}:5060;branch=z9hG4bK-${k}-${branch}`, 'Max-Forwards: 70',
      `From: <sip:caller${k % 500}@example.com>;tag=f${k}`, `To: <sip:callee${k % 500}@example.com>${toTag ? `;tag=t${k}` : ''}`,
      `Call-ID: ${id}`, `CSeq: ${cseq}`,
    ];
    const msg = (lines: string[], body = '') => [...lines, ...(body ? ['Content-Type: application/sdp'] : []), `Content-Length: ${body.length}`, '', body].join('\r\n');
    const contactA = `Contact: <sip:caller@${a.join('.')}:5060>`;
    const contactZ = `Contact: <sip:callee@${z.join('.')}:5060>`;
    const ruri = `sip:callee${k % 500}@${z.join('.')}:5060`;
    const list: Array<[number, number[], number[], string]> = [
      [0, a, z, msg([...head(`INVITE ${ruri} SIP/2.0`, 'i', '1 INVITE', false), contactA], SDP)],
      [5, z, a, msg(head('SIP/2.0 100 Trying', 'i', '1 INVITE', false))],
      [20, z, a, msg([...head('SIP/2.0 180 Ringing', 'i', '1 INVITE', true), contactZ])],
      [1000, z, a, msg([...head('SIP/2.0 200 OK', 'i', '1 INVITE', true), contactZ], SDP)],
      [1010, a, z, msg(head(`ACK sip:callee@${z.join('.')}:5060 SIP/2.0`, 'a', '1 ACK', true))],
      [1000 + hold, a, z, msg(head(`BYE sip:callee@${z.join('.')}:5060 SIP/2.0`, 'b', '2 BYE', true))],
      [1010 + hold, z, a, msg(head('SIP/2.0 200 OK', 'b', '2 BYE', true))],
    ];
    for (const [dt, src, dst, text] of list) steps.push({ at: t0 + dt, send: () => frame(t0 + dt, src, dst, text) });
    // Drain what is due before the next call starts (keeps the queue short).
    const next = start + ((k + 1) * 1000) / rate;
    steps.sort((x, y) => x.at - y.at);
    while (steps.length > 0 && steps[0]!.at < next) {
      steps.shift()!.send();
      written++;
    }
  }
  for (const step of steps.sort((x, y) => x.at - y.at)) {
    step.send();
    written++;
  }
  flush();
  closeSync(fd);
  return { calls: options.calls, messages: written, bytes };
}
