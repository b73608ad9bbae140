// A one-line summary of the SDP a SIP message carries, for a ladder row:
// "PCMU/8000 sendrecv 127.0.0.1:40000" (one per m= line; non-audio ones named).
// Read from the raw bytes, so live, recent and imported messages get the same line.
import { bytesToByteString } from '../../../src/message/bytes.js';

const STATIC_PAYLOADS: Readonly<Record<string, string>> = {
  0: 'PCMU/8000', 3: 'GSM/8000', 4: 'G723/8000', 8: 'PCMA/8000', 9: 'G722/8000', 13: 'CN/8000', 18: 'G729/8000',
};
const DIRECTIONS = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const MAX_SUMMARY = 200;
const MAX_HEAD = 16 * 1024;

function headerEnd(text: string): { head: string; body: string } | undefined {
  const crlf = text.indexOf('\r\n\r\n');
  if (crlf >= 0) return { head: text.slice(0, crlf), body: text.slice(crlf + 4) };
  const lf = text.indexOf('\n\n');
  return lf >= 0 ? { head: text.slice(0, lf), body: text.slice(lf + 2) } : undefined;
}

function carriesSdp(head: string): boolean {
  return /^(?:content-type|c)[ \t]*:[ \t]*application\/sdp\b/im.test(head);
}

interface MediaLine {
  media: string;
  port: string;
  formats: string[];
  address?: string;
  direction?: string;
  rtpmap: Map<string, string>;
}

function addressOf(connection: string): string | undefined {
  const parts = connection.trim().split(/\s+/);
  const address = parts[2]?.split('/')[0];
  if (!address) return undefined;
  return parts[1] === 'IP6' ? `[${address}]` : address;
}

/** The summary of a message's SDP body, or undefined when it carries none. */
export function summarizeSdp(raw: Uint8Array): string | undefined {
  const split = headerEnd(bytesToByteString(raw.subarray(0, MAX_HEAD + 64 * 1024)));
  if (!split || split.head.length > MAX_HEAD || !carriesSdp(split.head)) return undefined;
  let sessionAddress: string | undefined;
  let sessionDirection: string | undefined;
  const media: MediaLine[] = [];
  for (const line of split.body.split(/\r?\n/)) {
    const current = media[media.length - 1];
    if (line.startsWith('m=')) {
      const [kind = '', port = '', , ...formats] = line.slice(2).trim().split(/\s+/);
      media.push({ media: kind, port: port.split('/')[0] ?? port, formats, rtpmap: new Map() });
    } else if (line.startsWith('c=')) {
      if (current) current.address = addressOf(line.slice(2));
      else sessionAddress = addressOf(line.slice(2));
    } else if (line.startsWith('a=rtpmap:') && current) {
      const m = /^a=rtpmap:(\S+)\s+(\S+)/.exec(line);
      if (m) current.rtpmap.set(m[1]!, m[2]!);
    } else if (line.startsWith('a=') && DIRECTIONS.has(line.slice(2).trim())) {
      if (current) current.direction = line.slice(2).trim();
      else sessionDirection = line.slice(2).trim();
    }
  }
  if (media.length === 0) return undefined;
  const text = media.map((m) => {
    const prefix = m.media === 'audio' ? '' : `${m.media} `;
    if (m.port === '0') return `${prefix}rejected`.trim();
    const first = m.formats[0];
    const codec = first === undefined ? '?' : m.rtpmap.get(first) ?? STATIC_PAYLOADS[first] ?? first;
    const address = m.address ?? sessionAddress ?? '?';
    return `${prefix}${codec} ${m.direction ?? sessionDirection ?? 'sendrecv'} ${address}:${m.port}`;
  }).join('; ');
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY - 1)}…` : text;
}
