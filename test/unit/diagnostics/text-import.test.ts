// Plain-text SIP dumps: sngrep's text export, Kamailio sipdump text files and
// SIPp -trace_msg logs (samples written the way each tool writes them), and
// Callscope's own text export read back.
import { describe, expect, it } from 'vitest';
import { importTrace } from '../../../src/diagnostics/import/trace-import.js';
import { exportText } from '../../../src/diagnostics/export/text-export.js';
import { request, response, sdp, Trace, UAC, UAS } from './crafted.js';

const INVITE = request('INVITE', { callId: 'txt-1', body: sdp });
const OK = response(200, 'INVITE', { callId: 'txt-1', toTag: 'b1', body: sdp });
const enc = (s: string) => new TextEncoder().encode(s);

function read(text: string) {
  const r = importTrace(enc(text));
  if (!r.ok) throw new Error(r.reason);
  return r;
}

describe('sngrep text export', () => {
  const file = `2024/05/01 12:00:00.123456 192.0.2.10:5060 -> 192.0.2.20:5060\n${INVITE}\n\n`
    + `2024/05/01 12:00:01.500000 192.0.2.20:5060 -> 192.0.2.10:5060\n${OK}\n\n`;
  it('reads each message with its time and addresses, cut to its Content-Length', () => {
    const r = read(file);
    expect(r.format).toBe('sngrep');
    expect(r.model.messages.map((m) => m.startLine)).toEqual(['INVITE sip:bob@192.0.2.20:5060 SIP/2.0', 'SIP/2.0 200 OK']);
    expect(r.model.messages[0]!.at).toBeCloseTo(Date.UTC(2024, 4, 1, 12, 0, 0) + 123.456, 3);
    expect(r.model.messages[1]!.src).toEqual({ transport: 'UDP', address: '192.0.2.20', port: 5060 });
    expect(new TextDecoder().decode(r.model.messages[0]!.raw)).toBe(INVITE);
    expect(r.model.messages.every((m) => m.parseError === undefined)).toBe(true);
  });
  it('restores CRLF in a file saved with bare LF, and reads IPv6 addresses', () => {
    const lf = `2024/05/01 12:00:00.000001 [2001:db8::1]:5060 -> [2001:db8::2]:5070\n${INVITE.replace(/\r\n/g, '\n')}\n\n`;
    const r = read(lf);
    expect(r.model.messages[0]!.sip?.callId).toBe('txt-1');
    expect(r.model.messages[0]!.dst).toEqual({ transport: 'UDP', address: '2001:db8::2', port: 5070 });
  });
  it('Callscope\'s own text export is sngrep\'s format and reads back to the same messages', () => {
    const model = new Trace().add(Date.UTC(2024, 0, 1), UAC, UAS, INVITE).add(Date.UTC(2024, 0, 1) + 250.5, UAS, UAC, OK).model();
    const again = read(exportText(model));
    expect(again.model.messages.map((m) => [m.startLine, m.src, m.dst, m.at])).toEqual(model.messages.map((m) => [m.startLine, m.src, m.dst, m.at]));
  });
});

describe('Kamailio sipdump text files', () => {
  const record = (tag: string, time: string, src: string, dst: string, msg: string) => [
    '====================', `tag: ${tag}`, 'pid: 4242', 'process: 7', `time: ${time}`, 'date: Wed May  1 12:00:00 2024',
    'proto: udp ipv4', `srcip: ${src}`, 'srcport: 5060', `dstip: ${dst}`, 'dstport: 5060', '~~~~~~~~~~~~~~~~~~~~',
  ].join('\n') + `\n${msg}||||||||||||||||||||\n`;
  it('reads rcv and snd records with their addresses and times', () => {
    const r = read(record('rcv', '1714564800.250000', '192.0.2.10', '192.0.2.1', INVITE) + record('snd', '1714564800.260000', '192.0.2.1', '192.0.2.20', INVITE));
    expect(r.format).toBe('sipdump');
    expect(r.model.messages).toHaveLength(2);
    expect(r.model.messages[0]!.at).toBeCloseTo(1714564800250, 3);
    expect(r.model.messages[1]!.src!.address).toBe('192.0.2.1');
    expect(r.model.messages[1]!.transport).toBe('UDP');
  });
  it('a file cut in the middle of a record: the whole records, and a note for the half one', () => {
    const whole = record('rcv', '1714564800.250000', '192.0.2.10', '192.0.2.1', INVITE);
    const r = read(whole + whole.slice(0, whole.length - 80));
    expect(r.model.messages).toHaveLength(1);
    expect(r.model.notes.join()).toMatch(/half a message/);
  });
});

describe('SIPp -trace_msg logs', () => {
  it('reads sent and received messages (SIPp\'s own directions; no addresses in this format)', () => {
    const log = `----------------------------------------------- 2024-05-01 12:00:00.100000\nUDP message sent (${INVITE.length} bytes):\n\n${INVITE}\n`
      + `----------------------------------------------- 2024-05-01 12:00:00.300000\nUDP message received [${OK.length}] bytes :\n\n${OK}\n`;
    const r = read(log);
    expect(r.format).toBe('sipp');
    expect(r.model.messages.map((m) => `${m.direction} ${m.startLine}`)).toEqual(['sent INVITE sip:bob@192.0.2.20:5060 SIP/2.0', 'received SIP/2.0 200 OK']);
    expect(r.model.messages[1]!.at - r.model.messages[0]!.at).toBeCloseTo(200, 3);
    expect(r.model.calls[0]!.transactions[0]!.role).toBe('client');
    expect(r.model.calls[0]!.transactions[0]!.states.map((s) => s.cause)).toEqual(['200 received']);
  });
  it('a half message is kept as malformed and said', () => {
    const log = `----------------------------------------------- 2024-05-01 12:00:00.100000\nUDP message sent (10 bytes):\n\n${INVITE.slice(0, 150)}`;
    const r = read(log);
    expect(r.model.messages[0]!.parseError).toBeDefined();
    expect(r.model.notes).toHaveLength(1);
  });
});
