// A SIP message's text for the message pane: its lines as tokens to highlight (start line,
// header names and values by the part they play, the body), and what the message says once
// parsed (start line, dialog and transaction identifiers, Via hops, body), with problems.
import { parseSdpBody, type SdpBody } from './sdp.js';

export type HeaderGroup = 'dialog' | 'routing' | 'auth' | 'extension' | 'body' | 'other';

export type TextToken =
  | { readonly kind: 'start'; readonly text: string }
  | { readonly kind: 'header'; readonly name: string; readonly value: string; readonly group: HeaderGroup; readonly canonical: string }
  | { readonly kind: 'blank' }
  | { readonly kind: 'body'; readonly text: string };

const COMPACT: Readonly<Record<string, string>> = {
  i: 'Call-ID', f: 'From', t: 'To', v: 'Via', m: 'Contact', l: 'Content-Length', c: 'Content-Type', k: 'Supported',
  s: 'Subject', e: 'Content-Encoding', o: 'Event', r: 'Refer-To', b: 'Referred-By', x: 'Session-Expires', u: 'Allow-Events',
  y: 'Identity', a: 'Accept-Contact', d: 'Request-Disposition', j: 'Reject-Contact',
};

const GROUPS: Readonly<Record<string, HeaderGroup>> = {
  'call-id': 'dialog', from: 'dialog', to: 'dialog', cseq: 'dialog',
  via: 'routing', route: 'routing', 'record-route': 'routing', contact: 'routing', 'max-forwards': 'routing', path: 'routing',
  authorization: 'auth', 'proxy-authorization': 'auth', 'www-authenticate': 'auth', 'proxy-authenticate': 'auth',
  require: 'extension', supported: 'extension', 'proxy-require': 'extension', unsupported: 'extension', rseq: 'extension', rack: 'extension',
  'session-expires': 'extension', 'min-se': 'extension', allow: 'extension',
  'content-type': 'body', 'content-length': 'body', 'content-encoding': 'body', 'content-disposition': 'body',
};

/** "i" -> "Call-ID"; other names as written. */
export function canonicalName(name: string): string {
  return COMPACT[name.toLowerCase()] ?? name;
}

export function headerGroup(name: string): HeaderGroup {
  return GROUPS[canonicalName(name).toLowerCase()] ?? 'other';
}

/** Head lines and the body as sent (CRLF kept: Content-Length counts its bytes). */
function splitMessage(text: string): { head: string[]; body: string | undefined } {
  const end = /\r?\n\r?\n/.exec(text);
  const head = (end ? text.slice(0, end.index) : text).split(/\r?\n/);
  return { head, body: end ? text.slice(end.index + end[0].length) : undefined };
}

export function tokenize(text: string): TextToken[] {
  const { head, body } = splitMessage(text);
  const out: TextToken[] = [];
  head.forEach((line, i) => {
    if (i === 0) {
      out.push({ kind: 'start', text: line });
      return;
    }
    const colon = line.indexOf(':');
    if (/^[ \t]/.test(line) || colon <= 0) {
      out.push({ kind: 'body', text: line });
      return;
    }
    const name = line.slice(0, colon).trim();
    out.push({ kind: 'header', name, value: line.slice(colon + 1).trim(), group: headerGroup(name), canonical: canonicalName(name) });
  });
  if (body !== undefined) {
    out.push({ kind: 'blank' });
    for (const line of body.split(/\r?\n/)) if (line !== '' || out.length === 0) out.push({ kind: 'body', text: line });
  }
  return out;
}

export interface ViaHop {
  readonly transport: string;
  readonly sentBy: string;
  readonly branch?: string;
  readonly received?: string;
  readonly rport?: string;
}

export interface ParsedSip {
  readonly kind: 'request' | 'response' | 'unknown';
  readonly method?: string;
  readonly uri?: string;
  readonly status?: number;
  readonly reason?: string;
  readonly callId?: string;
  readonly cseq?: string;
  readonly from?: string;
  readonly fromTag?: string;
  readonly to?: string;
  readonly toTag?: string;
  readonly via: readonly ViaHop[];
  readonly contact?: string;
  readonly headerCount: number;
  readonly contentType?: string;
  readonly bodyBytes: number;
  readonly sdp?: SdpBody;
  /** What is wrong with it, in words (the host's parse error first). */
  readonly problems: readonly string[];
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}(?:=([^;,\\s>]*))?`, 'i').exec(value);
  return m ? m[1] ?? '' : undefined;
}

function splitTopLevel(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth--;
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(value.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(value.slice(start).trim());
  return parts.filter((p) => p !== '');
}

function viaHop(value: string): ViaHop {
  const m = /^SIP\s*\/\s*2\.0\s*\/\s*(\S+)\s+([^;\s]+)/i.exec(value);
  const branch = param(value, 'branch');
  const received = param(value, 'received');
  const rport = param(value, 'rport');
  return {
    transport: m?.[1]?.toUpperCase() ?? '?', sentBy: m?.[2] ?? value,
    ...(branch ? { branch } : {}), ...(received ? { received } : {}), ...(rport !== undefined ? { rport: rport || '(asked)' } : {}),
  };
}

function addressOf(value: string): string {
  const angle = /<([^>]*)>/.exec(value);
  return angle ? angle[1]! : value.split(';')[0]!.trim();
}

export function parseSip(text: string, parseError?: string): ParsedSip {
  const tokens = tokenize(text);
  const start = tokens[0]?.kind === 'start' ? tokens[0].text : '';
  const headers = tokens.filter((t): t is Extract<TextToken, { kind: 'header' }> => t.kind === 'header');
  const first = (name: string) => headers.find((h) => h.canonical.toLowerCase() === name)?.value;
  const problems: string[] = parseError === undefined ? [] : [parseError];
  const request = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(start);
  const response = /^SIP\/2\.0 (\d{3})(?: (.*))?$/.exec(start);
  if (!request && !response) problems.push('The start line is neither a request line nor a status line.');
  for (const name of ['via', 'from', 'to', 'call-id', 'cseq']) {
    if (first(name) === undefined) problems.push(`The ${canonicalName(name === 'call-id' ? 'i' : name)} header is missing.`);
  }
  if (request && request[1] !== 'ACK' && request[1] !== 'CANCEL' && first('max-forwards') === undefined) problems.push('The Max-Forwards header is missing.');
  const { body } = splitMessage(text);
  const bodyBytes = body === undefined ? 0 : new TextEncoder().encode(body).byteLength;
  const declared = first('content-length');
  if (declared !== undefined && Number(declared) !== bodyBytes && !text.includes('\uFFFD')) {
    problems.push(`Content-Length says ${declared} bytes; the body has ${bodyBytes}.`);
  }
  const from = first('from');
  const to = first('to');
  const contentType = first('content-type');
  const via = headers.filter((h) => h.canonical.toLowerCase() === 'via').flatMap((h) => splitTopLevel(h.value)).map(viaHop);
  const fromTag = from === undefined ? undefined : param(from, 'tag');
  const toTag = to === undefined ? undefined : param(to, 'tag');
  const contact = first('contact');
  return {
    kind: request ? 'request' : response ? 'response' : 'unknown',
    ...(request ? { method: request[1]!, uri: request[2]! } : {}),
    ...(response ? { status: Number(response[1]), reason: response[2] ?? '' } : {}),
    ...(first('call-id') === undefined ? {} : { callId: first('call-id') }),
    ...(first('cseq') === undefined ? {} : { cseq: first('cseq') }),
    ...(from === undefined ? {} : { from: addressOf(from) }),
    ...(fromTag ? { fromTag } : {}),
    ...(to === undefined ? {} : { to: addressOf(to) }),
    ...(toTag ? { toTag } : {}),
    via,
    ...(contact === undefined ? {} : { contact: addressOf(contact) }),
    headerCount: headers.length,
    ...(contentType === undefined ? {} : { contentType }),
    bodyBytes,
    ...(contentType !== undefined && /application\/sdp/i.test(contentType) && body ? { sdp: parseSdpBody(body) } : {}),
    problems,
  };
}
