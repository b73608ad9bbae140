// Plain-text SIP dumps. Three formats are accepted (docs/trace-formats.md):
//
// sngrep text export ("Save as .txt"; Callscope's own text export writes it too):
//   2024/05/01 12:00:00.123456 10.0.0.1:5060 -> 10.0.0.2:5060
//   <the SIP message>
//   <blank line>
//
// Kamailio sipdump module text files (mode 1), one record per message:
//   ====================
//   tag: rcv|snd   pid: ..   process: ..   time: 1714564800.123456   date: ...
//   proto: udp ipv4   srcip: ..   srcport: ..   dstip: ..   dstport: ..
//   ~~~~~~~~~~~~~~~~~~~~
//   <the SIP message>||||||||||||||||||||
//
// SIPp -trace_msg logs (no addresses: directions are SIPp's own, sent/received):
//   ----------------------------------------------- 2024-05-01 12:00:00.123456
//   UDP message sent (512 bytes):            | UDP message received [512] bytes :
//   <blank line>
//   <the SIP message>
//
// Times without a zone are read as UTC. Lines may end in LF or CRLF; a message
// written with bare LF gets CRLF back. Each message is cut to its own bytes
// (the Content-Length), so blank lines the writer added are not part of it.
import { parseMessage } from '../../message/index.js';
import { byteStringToBytes, bytesToByteString } from '../../message/bytes.js';
import type { MessageInput } from '../model-builder.js';
import type { Endpoint } from '../model-types.js';
import { directionOf, type ImportedTrace, type ImportOptions, type TraceFormat } from './imported-trace.js';

export const SNGREP_HEADER = /^(\d{4})[/-](\d{2})[/-](\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))? (\S+) -> (\S+)\r?$/;
export const SIPDUMP_START = '====================';
const SIPDUMP_BODY = '~~~~~~~~~~~~~~~~~~~~';
const SIPDUMP_END = '||||||||||||||||||||';
export const SIPP_SEPARATOR = /^-{20,} (\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?\r?$/;
const SIPP_HEADER = /^(\w+) message (sent|received)\b/;

export function textFormatOf(text: string): Exclude<TraceFormat, 'pcap' | 'pcapng'> | undefined {
  const head = text.slice(0, 4096).replace(/^\uFEFF/, '');
  const first = head.split('\n', 1)[0]!.replace(/\r$/, '');
  if (first === SIPDUMP_START) return 'sipdump';
  if (SIPP_SEPARATOR.test(first)) return 'sipp';
  if (SNGREP_HEADER.test(first)) return 'sngrep';
  return undefined;
}

function utc(y: string, mo: string, d: string, h: string, mi: string, s: string, frac: string | undefined): number {
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  return ms + (frac ? Number(`0.${frac}`) * 1000 : 0);
}

/** "10.0.0.1:5060", "[2001:db8::1]:5060" or "2001:db8::1:5060" (the last colon is the port's). */
function endpointOf(text: string, transport: string): Endpoint | undefined {
  const m = /^\[?(.+?)\]?:(\d+)$/.exec(text);
  if (!m) return undefined;
  return { transport, address: m[1]!, port: Number(m[2]) };
}

/** The message's own bytes: CRLF restored if the file has bare LF, trailing writer bytes cut. */
function messageBytes(text: string): { raw: Uint8Array; error?: string } {
  let s = text.replace(/^(\r?\n)+/, '');
  if (!s.includes('\r\n')) s = s.replace(/\n/g, '\r\n');
  const bytes = byteStringToBytes(s);
  const parsed = parseMessage(bytes);
  if (parsed.ok) return { raw: parsed.value.toBytes() };
  // Keep it as it is (trailing blank lines trimmed), malformed: the model reports why.
  const trimmed = s.replace(/(\r\n)+$/, '\r\n\r\n');
  return { raw: byteStringToBytes(trimmed), error: parsed.error.message };
}

/**
 * `linesBefore`: how many lines of the file came before `bytes` (a streaming reader
 * hands the file over in pieces cut at record starts), so notes name the file's lines.
 */
export function importTextDump(bytes: Uint8Array, options: ImportOptions = {}, linesBefore = 0): ImportedTrace | string {
  return importTextDumpString(bytesToByteString(bytes), options, linesBefore);
}

/** The same, from the file's bytes as a byte string (one character per byte). */
export function importTextDumpString(text: string, options: ImportOptions = {}, linesBefore = 0): ImportedTrace | string {
  const format = textFormatOf(text);
  if (!format) return 'not a SIP text dump (sngrep text export, Kamailio sipdump or SIPp -trace_msg)';
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  const notes: string[] = [];
  const messages: MessageInput[] = [];
  let blocks = 0;
  const add = (input: Omit<MessageInput, 'raw'>, body: string, where: string) => {
    blocks++;
    if (body.trim() === '') {
      notes.push(`${where}: empty message; skipped`);
      return;
    }
    const { raw, error } = messageBytes(body);
    if (error) notes.push(`${where}: ${error}`);
    messages.push({ ...input, raw });
  };
  if (format === 'sngrep') {
    // Header lines at the start or after a blank line (SIP text never looks like one anyway).
    const source = text.replace(/^\uFEFF/, '');
    const headers: Array<{ match: RegExpExecArray; start: number; end: number; line: number }> = [];
    let line = 1 + linesBefore;
    for (let p = 0; p < source.length;) {
      const eol = source.indexOf('\n', p);
      const stop = eol < 0 ? source.length : eol;
      const m = SNGREP_HEADER.exec(source.slice(p, stop));
      if (m && (p === 0 || source.slice(Math.max(0, p - 3), p).replace(/\r/g, '').endsWith('\n\n'))) {
        headers.push({ match: m, start: p, end: Math.min(source.length, stop + 1), line });
      }
      p = stop + 1;
      line++;
    }
    headers.forEach((h, k) => {
      const next = headers[k + 1]?.start ?? source.length;
      // The writer adds "\n\n" after each message.
      const body = source.slice(h.end, next).replace(/\r?\n\r?\n$/, '');
      const header = h.match;
      const src = endpointOf(header[8]!, 'UDP');
      const dst = endpointOf(header[9]!, 'UDP');
      if (!src || !dst) {
        notes.push(`line ${h.line}: cannot read the addresses ${header[8]} -> ${header[9]}; skipped`);
        return;
      }
      const at = utc(header[1]!, header[2]!, header[3]!, header[4]!, header[5]!, header[6]!, header[7]);
      add({ at, direction: directionOf(src, dst, options), src, dst, transport: 'UDP' }, body, `line ${h.line}`);
    });
  } else if (format === 'sipdump') {
    for (let i = 0; i < lines.length; i++) {
      if (lines[i]!.replace(/\r$/, '') !== SIPDUMP_START) continue;
      const fields = new Map<string, string>();
      let j = i + 1;
      for (; j < lines.length && lines[j]!.replace(/\r$/, '') !== SIPDUMP_BODY; j++) {
        const m = /^(\w+):\s*(.*?)\r?$/.exec(lines[j]!);
        if (m) fields.set(m[1]!, m[2]!);
        if (lines[j]!.replace(/\r$/, '') === SIPDUMP_START) break;
      }
      if (j >= lines.length || lines[j]!.replace(/\r$/, '') !== SIPDUMP_BODY) {
        notes.push(`line ${i + 1 + linesBefore}: sipdump record without its ${SIPDUMP_BODY} line (cut file?); skipped`);
        continue;
      }
      const rest = lines.slice(j + 1).join('\n');
      const end = rest.indexOf(SIPDUMP_END);
      if (end < 0) {
        notes.push(`line ${i + 1 + linesBefore}: sipdump record not closed by ${SIPDUMP_END} (cut file: half a message); skipped`);
        break;
      }
      const body = rest.slice(0, end);
      const transport = (fields.get('proto') ?? 'udp').split(/\s+/)[0]!.toUpperCase();
      const src = { transport, address: fields.get('srcip') ?? '', port: Number(fields.get('srcport') ?? 0) };
      const dst = { transport, address: fields.get('dstip') ?? '', port: Number(fields.get('dstport') ?? 0) };
      const at = Number(fields.get('time') ?? 0) * 1000;
      const tag = fields.get('tag');
      const direction = options.local ? directionOf(src, dst, options) : 'observed';
      add({ at, direction, src, dst, transport }, body, `line ${i + 1 + linesBefore} (${tag ?? 'no tag'})`);
      i = j + body.split('\n').length;
    }
  } else {
    for (let i = 0; i < lines.length; i++) {
      const stamp = SIPP_SEPARATOR.exec(lines[i]!);
      if (!stamp) continue;
      const header = SIPP_HEADER.exec(lines[i + 1] ?? '');
      if (!header) {
        notes.push(`line ${i + 2 + linesBefore}: SIPp record without "message sent/received"; skipped`);
        continue;
      }
      let j = i + 2;
      const body: string[] = [];
      for (; j < lines.length && !SIPP_SEPARATOR.test(lines[j]!); j++) body.push(lines[j]!);
      const at = utc(stamp[1]!, stamp[2]!, stamp[3]!, stamp[4]!, stamp[5]!, stamp[6]!, stamp[7]);
      const transport = header[1]!.toUpperCase();
      add({ at, direction: header[2] as 'sent' | 'received', transport }, body.join('\n').replace(/\s+$/, '\n\n'), `line ${i + 1 + linesBefore}`);
      i = j - 1;
    }
  }
  if (blocks === 0) return `no SIP messages found in this ${format} file`;
  return { format, frames: blocks, messages, notes };
}
