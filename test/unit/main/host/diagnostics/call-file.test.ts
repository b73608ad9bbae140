// A call's diagnostics as a file: the JSON Lines export (version 3) with a record naming a
// saved call comes back as the same model; the one-document export of version 2 (recent
// calls saved before) is still read; a file cut short or with a message of the wrong size
// is refused with the reason.
import { describe, expect, it } from 'vitest';
import { callFileText, looksLikeCallFile, parseCallFile, type CallFile } from '../../../../../main/host/diagnostics/call-file.js';
import { exportJson } from '../../../../../src/diagnostics/export/json-export.js';
import { buildTraceModel } from '../../../../../src/diagnostics/model-builder.js';
import type { TraceModel } from '../../../../../src/diagnostics/model-types.js';

const enc = (s: string) => new TextEncoder().encode(s);
const A = { transport: 'UDP', address: '192.0.2.1', port: 5060 };
const B = { transport: 'UDP', address: '192.0.2.2', port: 5060 };

function options(callId: string, branch: string): string {
  return [`OPTIONS sip:b@192.0.2.2 SIP/2.0`, `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`, 'From: <sip:a@x>;tag=1', 'To: <sip:b@x>',
    `Call-ID: ${callId}`, 'CSeq: 1 OPTIONS', 'Max-Forwards: 70', 'Content-Length: 0', '', ''].join('\r\n');
}

function ok(callId: string, branch: string): string {
  return [`SIP/2.0 200 OK`, `Via: SIP/2.0/UDP 192.0.2.1:5060;branch=${branch}`, 'From: <sip:a@x>;tag=1', 'To: <sip:b@x>;tag=2',
    `Call-ID: ${callId}`, 'CSeq: 1 OPTIONS', 'Content-Length: 0', '', ''].join('\r\n');
}

const model: TraceModel = buildTraceModel({
  source: 'import', t1: 500, notes: ['a note'],
  messages: [
    { at: 0, direction: 'observed', transport: 'UDP', src: A, dst: B, raw: enc(options('c1@x', 'z9hG4bK1')) },
    { at: 5, direction: 'observed', transport: 'UDP', src: B, dst: A, raw: enc(ok('c1@x', 'z9hG4bK1')) },
    { at: 9, direction: 'observed', transport: 'UDP', src: A, dst: B, raw: Uint8Array.from([...enc(options('c2@x', 'z9hG4bK2')), 0xff]) },
  ],
});

const saved = { id: 'c1', title: 'to b', sipCallId: 'c1@x', accountId: 'acct', startedAt: 1_700_000_000_000, media: [] };

function sameModel(file: CallFile | string): void {
  if (typeof file === 'string') throw new Error(file);
  expect(file.model.messages.map((m) => [m.startLine, Buffer.from(m.raw).toString('base64')]))
    .toEqual(model.messages.map((m) => [m.startLine, Buffer.from(m.raw).toString('base64')]));
  expect(file.model.calls.map((c) => [c.callId, c.messages, c.transactions.map((t) => t.messages)]))
    .toEqual(model.calls.map((c) => [c.callId, c.messages, c.transactions.map((t) => t.messages)]));
  expect(file.model.notes).toEqual(['a note']);
}

describe('call files', () => {
  it('a saved call is the JSON Lines export with a callscope record, and reads back as the same model', () => {
    const text = callFileText(model, saved);
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual(['trace', 'call', 'call', 'callscope', 'summary']);
    expect(looksLikeCallFile(enc(text))).toBe(true);
    const file = parseCallFile(text);
    sameModel(file);
    expect(typeof file !== 'string' && file.saved).toMatchObject({ version: 1, id: 'c1', sipCallId: 'c1@x', media: [] });
  });

  it('an export of the whole trace, or of one call, imports back (a message not UTF-8 comes in base64)', () => {
    const whole = exportJson(model);
    expect(whole).toMatch(/"rawBase64":/);
    sameModel(parseCallFile(whole));
    const one = parseCallFile(exportJson(model, { callId: 'c2@x' }));
    if (typeof one === 'string') throw new Error(one);
    expect(one.model.messages.map((m) => m.raw.at(-1))).toEqual([0xff]);
    expect(one.model.calls[0]!.messages).toEqual([0]);
  });

  it('the one-document file of version 2 (recent calls saved before JSON Lines) is still read', () => {
    const document = {
      version: 2, source: model.source, t1: model.t1, notes: model.notes,
      messages: model.messages.map(({ sip: _sip, raw, ...rest }) => ({
        ...rest, raw: new TextDecoder().decode(raw), rawBase64: Buffer.from(raw).toString('base64'), latin1Length: raw.length,
      })),
      calls: model.calls.map((c) => ({ ...c, findingsSummary: 'no findings' })),
      callscope: { version: 1, ...saved },
    };
    const text = JSON.stringify(document, null, 2);
    expect(looksLikeCallFile(enc(text))).toBe(true);
    const file = parseCallFile(text);
    sameModel(file);
    expect(typeof file !== 'string' && file.saved?.id).toBe('c1');
  });

  it('a file cut short, or a message whose bytes are not its size, is refused with the reason', () => {
    const lines = callFileText(model, saved).trim().split('\n');
    expect(parseCallFile(lines.slice(0, -1).join('\n'))).toBe('damaged: no summary record (the file was cut short)');
    expect(parseCallFile(lines.join('\n').replace('"size":', '"size":1'))).toMatch(/^damaged: message 0 has \d+ bytes, its record says 1\d+$/);
    expect(parseCallFile(['{"type":"call"}', ...lines.slice(1)].join('\n'))).toMatch(/^not a Callscope JSON export \(line 1: /);
  });
});
