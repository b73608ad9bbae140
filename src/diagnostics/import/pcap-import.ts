// pcap/pcapng → the SIP messages in it, each with its real addresses and
// time: UDP datagrams one by one, TCP streams reassembled (SIP framing or
// WebSocket). Everything skipped is counted and said in notes. The other UDP
// datagrams (RTP, RTCP, STUN, DTLS) are read again, once the calls' SDPs are
// known, by the media evidence (media/capture-media.ts).
import { bytesToByteString } from '../../message/bytes.js';
import type { MessageInput } from '../model-builder.js';
import { captureMediaEvidence, type MediaDatagram } from '../media/capture-media.js';
import { readCaptureFile, type CaptureFrame } from './capture-file.js';
import { decodeFrame } from './packet-decoder.js';
import { TcpReassembler } from './tcp-streams.js';
import { directionOf, type ImportedTrace, type ImportOptions } from './imported-trace.js';

const SIP_LIKE = /^(?:SIP\/2\.0 \d{3}|[A-Za-z][A-Za-z0-9.!%*_+`'~-]* \S+ SIP\/2\.0\r?$)/;

function looksLikeSip(payload: Uint8Array): boolean {
  const head = bytesToByteString(payload.subarray(0, 256));
  const line = head.split('\n', 1)[0]!;
  return SIP_LIKE.test(line);
}

export function importCapture(bytes: Uint8Array, options: ImportOptions = {}): ImportedTrace | string {
  const file = readCaptureFile(bytes);
  if (typeof file === 'string') return file;
  const notes = [...file.notes];
  const skipped = new Map<string, number>();
  const count = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  const tcp = new TcpReassembler();
  const udp: Array<{ frame: number; input: MessageInput }> = [];
  let truncatedSip = 0;
  for (const frame of file.frames) {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) {
      count(decoded.skip);
      continue;
    }
    const s = decoded.segment;
    if (s.protocol === 'TCP') {
      tcp.segment(s);
      continue;
    }
    if (s.payload.length <= 4 && /^(\r\n)+$|^\0*$/.test(bytesToByteString(s.payload))) {
      count('UDP keep-alive (CRLF)');
      continue;
    }
    if (!looksLikeSip(s.payload)) {
      count('UDP datagram that is not SIP (RTP, STUN, DNS, ...; the calls\' media is read apart)');
      continue;
    }
    if (frame.truncated) truncatedSip++;
    const src = { transport: 'UDP', address: s.src, port: s.srcPort };
    const dst = { transport: 'UDP', address: s.dst, port: s.dstPort };
    udp.push({ frame: s.frame, input: { at: s.at, direction: directionOf(src, dst, options), src, dst, transport: 'UDP', raw: s.payload } });
  }
  tcp.finish();
  const fromTcp = tcp.messages.map((m) => {
    const src = { transport: m.transport, address: m.src, port: m.srcPort };
    const dst = { transport: m.transport, address: m.dst, port: m.dstPort };
    return { frame: m.frame, input: { at: m.at, direction: directionOf(src, dst, options), src, dst, transport: m.transport, raw: m.raw } as MessageInput };
  });
  const all = [...udp, ...fromTcp].sort((a, b) => a.frame - b.frame);
  for (const [reason, n] of skipped) notes.push(`${n} frame(s) skipped: ${reason}`);
  if (truncatedSip > 0) notes.push(`${truncatedSip} SIP datagram(s) were cut by the capture's snap length (half messages)`);
  notes.push(...tcp.notes);
  return {
    format: file.format, frames: file.frames.length, messages: all.map((m) => m.input), notes,
    media: captureMediaEvidence(() => udpDatagrams(file.frames)),
  };
}

function* udpDatagrams(frames: readonly CaptureFrame[]): Iterable<MediaDatagram> {
  for (const frame of frames) {
    const decoded = decodeFrame(frame);
    if (!decoded.ok || decoded.segment.protocol !== 'UDP') continue;
    const s = decoded.segment;
    yield { at: s.at, src: { address: s.src, port: s.srcPort }, dst: { address: s.dst, port: s.dstPort }, payload: s.payload, frame: s.frame };
  }
}
