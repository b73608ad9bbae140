// Small hand-made diagnostics for the panel's model tests.
import type { CallDiagnostics, MessageSummary } from '../../../../main/contract/diagnostics.js';
import type { MediaSummary } from '../../../../main/contract/media.js';
import type { TransactionModel } from '../../../../src/diagnostics/model-types.js';

export function msg(index: number, startLine: string, patch: Partial<MessageSummary> = {}): MessageSummary {
  return {
    index, at: 1000 + index * 10, direction: 'sent', dst: '192.0.2.10:5060', transport: 'WSS', startLine, bytes: 500,
    retransmission: false, ...patch,
  };
}

export function tx(id: string, method: string, patch: Partial<TransactionModel> = {}): TransactionModel {
  return {
    id, key: `z9hG4bK${id}`, matchKey: `z9hG4bK${id}|x|${method}`, method, role: 'client', kind: method === 'INVITE' ? 'invite' : 'non-invite',
    transport: 'WSS', callId: 'call-1', branch: `z9hG4bK${id}`, source: 'stream', states: [], state: 'Calling', timers: [],
    retransmissions: { requests: 0, responses: 0 }, messages: [], ...patch,
  };
}

/** A reliable-183 call as the phone sees it: INVITE, 100, 183 (SDP), PRACK, 200 PRACK, 200 INVITE (SDP), ACK. */
export function echoCall(): CallDiagnostics {
  const received = { direction: 'received' as const, src: '192.0.2.10:5060', dst: undefined };
  return {
    key: 'live:c1', title: 'alice → sip:echo@test.line', source: 'live', sipCallId: 'call-1', t1: 500, notes: [],
    messages: [
      msg(0, 'INVITE sip:echo@test.line SIP/2.0', { transactionId: 'tx1', sdp: 'opus/48000/2 sendrecv 192.0.2.1:40000' }),
      msg(1, 'SIP/2.0 100 Trying', { ...received, transactionId: 'tx1' }),
      msg(2, 'SIP/2.0 183 Session Progress', { ...received, transactionId: 'tx1', sdp: 'opus/48000/2 sendrecv 192.0.2.10:50000', at: 1100 }),
      msg(3, 'PRACK sip:echo@192.0.2.10 SIP/2.0', { transactionId: 'tx2', at: 1110 }),
      msg(4, 'SIP/2.0 200 OK', { ...received, transactionId: 'tx2', at: 1120 }),
      msg(5, 'SIP/2.0 200 OK', { ...received, transactionId: 'tx1', at: 2100, sdp: 'opus/48000/2 sendrecv 192.0.2.10:50000' }),
      msg(6, 'ACK sip:echo@192.0.2.10 SIP/2.0', { at: 2110 }),
    ],
    transactions: [tx('tx1', 'INVITE', { state: 'Accepted', finalStatus: 200, messages: [0, 1, 2, 5] }), tx('tx2', 'PRACK', { state: 'Completed', finalStatus: 200, messages: [3, 4] })],
    dialogs: [], findings: [], media: [],
  };
}

export function media(at: number, patch: { inPackets?: number; outPackets?: number; lost?: number; jitter?: number } & Partial<MediaSummary> = {}): MediaSummary {
  const { inPackets = 0, outPackets = 0, lost, jitter, ...rest } = patch;
  return {
    callId: 'c1', at, iceState: 'connected', muted: false,
    outbound: { packets: outPackets, bytes: outPackets * 100 },
    inbound: { packets: inPackets, bytes: inPackets * 100, ...(lost === undefined ? {} : { lost }), ...(jitter === undefined ? {} : { jitterMs: jitter }) },
    ...rest,
  };
}
