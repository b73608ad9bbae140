// Crafted traces for the findings tests: SIP messages written as text between
// named endpoints at chosen times, built into a model exactly as an import is.
import { buildTraceModel, type MessageInput } from '../../../src/diagnostics/model-builder.js';
import type { Endpoint, TraceModel } from '../../../src/diagnostics/model-types.js';
import type { FindingOptions } from '../../../src/diagnostics/findings/run-findings.js';

export const UAC: Endpoint = { transport: 'UDP', address: '192.0.2.10', port: 5060 };
export const PROXY: Endpoint = { transport: 'UDP', address: '192.0.2.1', port: 5060 };
export const UAS: Endpoint = { transport: 'UDP', address: '192.0.2.20', port: 5060 };

export interface MsgSpec {
  readonly callId?: string;
  readonly cseq?: number;
  readonly cseqMethod?: string;
  readonly fromTag?: string;
  /** To tag; omit for none. */
  readonly toTag?: string;
  /** Top Via first; each `host:port;branch=...`. */
  readonly via?: readonly string[];
  readonly headers?: readonly string[];
  readonly body?: string;
  readonly contact?: string | null;
  readonly uri?: string;
}

const SDP = 'v=0\r\no=- 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n';
export const sdp = SDP;

function headerLines(spec: MsgSpec, method: string, defaultVia: string): string[] {
  const lines = [
    ...(spec.via ?? [defaultVia]).map((v) => `Via: SIP/2.0/UDP ${v}`),
    'Max-Forwards: 70',
    `From: <sip:alice@example.com>;tag=${spec.fromTag ?? 'a1'}`,
    `To: <sip:bob@example.com>${spec.toTag ? `;tag=${spec.toTag}` : ''}`,
    `Call-ID: ${spec.callId ?? 'call-1'}`,
    `CSeq: ${spec.cseq ?? 1} ${spec.cseqMethod ?? method}`,
  ];
  if (spec.contact !== null) lines.push(`Contact: <${spec.contact ?? 'sip:x@192.0.2.10:5060'}>`);
  lines.push(...(spec.headers ?? []));
  const body = spec.body ?? '';
  if (body) lines.push('Content-Type: application/sdp');
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return lines;
}

export function request(method: string, spec: MsgSpec = {}): string {
  const via = `192.0.2.10:5060;branch=z9hG4bK-${method.toLowerCase()}-${spec.cseq ?? 1}`;
  return [`${method} ${spec.uri ?? 'sip:bob@192.0.2.20:5060'} SIP/2.0`, ...headerLines(spec, method, via), '', spec.body ?? ''].join('\r\n');
}

export function response(status: number, method: string, spec: MsgSpec = {}): string {
  const via = `192.0.2.10:5060;branch=z9hG4bK-${method.toLowerCase()}-${spec.cseq ?? 1}`;
  const reason = { 100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 401: 'Unauthorized', 407: 'Proxy Authentication Required', 486: 'Busy Here', 487: 'Request Terminated', 491: 'Request Pending' }[status] ?? 'Whatever';
  const s = { contact: 'sip:bob@192.0.2.20:5060', ...spec, cseqMethod: spec.cseqMethod ?? method };
  return [`SIP/2.0 ${status} ${reason}`, ...headerLines(s, method, via), '', spec.body ?? ''].join('\r\n');
}

export class Trace {
  readonly inputs: MessageInput[] = [];

  add(at: number, from: Endpoint, to: Endpoint, text: string): this {
    this.inputs.push({ at, direction: 'observed', src: from, dst: to, transport: from.transport, raw: new TextEncoder().encode(text) });
    return this;
  }

  /** A message this user agent sent (its own trace: no source address, as the live recorder keeps it). */
  sent(at: number, to: Endpoint, text: string): this {
    this.inputs.push({ at, direction: 'sent', dst: to, transport: to.transport, raw: new TextEncoder().encode(text) });
    return this;
  }

  /** A message this user agent received. */
  received(at: number, from: Endpoint, text: string): this {
    this.inputs.push({ at, direction: 'received', src: from, transport: from.transport, raw: new TextEncoder().encode(text) });
    return this;
  }

  /** The same message again (a retransmission) at each of the times. */
  repeat(times: readonly number[], from: Endpoint, to: Endpoint, text: string): this {
    for (const at of times) this.add(at, from, to, text);
    return this;
  }

  model(findings: FindingOptions = {}): TraceModel {
    return buildTraceModel({ source: 'import', messages: this.inputs, findings });
  }

  codes(findings: FindingOptions = {}): string[] {
    return this.model(findings).calls.flatMap((c) => c.findings.map((f) => f.code));
  }
}
