// parseMessage: bytes or text in, a typed SipMessage or a typed error out; never throws.
// One forward pass: start line, header fields (each one validated by its grammar), then
// the body, framed per transport (RFC 3261 §18.3, RFC 7118 §5).
//
// Header fields first go through the fast path (fast/scan.ts, fast/wasm/scanner.ts): WebAssembly
// scanners for the forms values take in everyday traffic, which read a run of fields in one
// call and find where each ends. A field they do not cover (or that is malformed) is read,
// alone, by the reference path below (header-dispatch.ts), which accepts it or reports the
// exact error — so both paths accept the same messages with the same values and errors.

import { bytesToByteString, textToByteString } from './bytes.js';
import type { Result, SipParseError } from './errors.js';
import { SyntaxFault, fault } from './errors.js';
import * as layout from './fast/layout.js';
import { KIND_OF, fastFields, loadMessage, rec as records, takeScalar } from './fast/scan.js';
import { readKnownHeader } from './header-dispatch.js';
import { HEADER_DEFS, K, lookupHeaderAt, nameHashStep, nameScan as nameScanned, scanHeaderName } from './header-names.js';
import { TABLE, C_TOKEN } from './chars.js';
import { resolveLimits } from './limits.js';
import type { ParseLimits } from './limits.js';
import { F_DEF, F_END, F_HEAD, F_LEN, F_VALUE, MessageImpl } from './message.js';
import type { SipMessage } from './message.js';
import { toParseError } from './parse-error.js';
import { checkText, skipLws } from './scan.js';
import { readStartLine } from './start-line.js';

/**
 * How the message was delimited:
 * - `datagram` (UDP; default): Content-Length optional; extra bytes after the body are
 *   discarded; a body shorter than Content-Length is an error (RFC 3261 §18.3).
 * - `stream` (TCP/TLS, after the framer has cut the message): Content-Length mandatory and
 *   must match the body exactly.
 * - `websocket` (RFC 7118 §5): one message per WebSocket message; Content-Length optional,
 *   but when present it must match the body exactly.
 */
export type Framing = 'datagram' | 'stream' | 'websocket';

export interface ParseOptions {
  readonly framing?: Framing;
  readonly limits?: Partial<ParseLimits>;
}

export type ParseResult = Result<SipMessage, SipParseError>;

/** Parse one SIP message. Never throws: a malformed message yields `{ ok: false, error }`. */
export function parseMessage(input: Uint8Array | string, options?: ParseOptions): ParseResult {
  const limits = resolveLimits(options?.limits);
  const framing = options?.framing ?? 'datagram';
  let s: string;
  if (typeof input === 'string') {
    if (input.length > limits.maxMessageBytes) return tooLarge(input.length, limits);
    s = textToByteString(input);
  } else {
    if (input.length > limits.maxMessageBytes) return tooLarge(input.length, limits);
    s = bytesToByteString(input);
  }
  return parseByteString(s, framing, limits);
}

function tooLarge(size: number, limits: ParseLimits): ParseResult {
  return {
    ok: false,
    error: {
      code: 'too-large',
      message: `message of ${size} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`,
      status: 513,
      reason: 'Message Too Large',
    },
  };
}

let fastPath = true;

/** Internal, for the differential tests: turn the fast path off (every field read by the reference path). */
export function setFastPath(on: boolean): void {
  fastPath = on;
}

// per definition id + 1 (0 for an unknown header): whether it is single-valued
const SINGLE = Uint8Array.from([0, ...HEADER_DEFS.map((d) => (d.single ? 1 : 0))]);
// Module-local copies of the imported constants used per field: optimized code reads an
// imported binding through its module cell (checking it is initialized) at every use, but
// folds a local const.
const rec = records;
const nameScan = nameScanned;
const VALUE = F_VALUE;
const END = F_END;
const DEF = F_DEF;
const LEN = F_LEN;
const HEAD = F_HEAD;
const { KIND_BITS, KIND_MASK } = layout;
const KIND_FROM = K.FROM;
const KIND_TO = K.TO;
const KIND_VIA = K.VIA;
const KIND_CONTACT = K.CONTACT;

/** Parse a message held as a byte string (internal entry used by the framers). */
export function parseByteString(s: string, framing: Framing, limits: ParseLimits): ParseResult {
  const m = new MessageImpl(s);
  // the field being parsed, for error context: its start, the end of its name, its definition
  let fieldStart = -1;
  let fieldNameEnd = -1;
  let fieldId = -1;
  const list = rec.list;
  rec.length = 0;
  try {
    if (s.length > limits.maxMessageBytes) fault('too-large', `message of ${s.length} bytes exceeds the limit of ${limits.maxMessageBytes} bytes`, 0);
    const lineEnd = lineEndAt(s, 0, limits);
    if (lineEnd === 0) fault('empty', s.length === 0 ? 'empty message' : 'message starts with an empty line', 0);
    // the fast path scans a copy in the scanners' memory (undefined: every field goes to the reference path)
    const b = fastPath ? loadMessage(s) : undefined;
    readStartLine(s, lineEnd, m, b);
    m.fieldsStart = rec.length;
    let p = lineEnd + 2;
    let count = 0;
    for (;;) {
      if (b !== undefined) {
        // the fields the fast path reads, as many as it takes in one call; then their bookkeeping
        let at = rec.length;
        fastFields(s, p, limits.maxLineLength, m.contactWildcard);
        for (let scalar = 0; at < rec.length; at += HEAD + list[at + LEN]!) {
          const def = list[at + DEF]!;
          const kind = def & KIND_MASK;
          fieldStart = p;
          fieldId = (def >> KIND_BITS) - 1;
          if (++count > limits.maxHeaders) {
            fieldNameEnd = scanHeaderName(b, p);
            fault('too-many-headers', `more than ${limits.maxHeaders} header fields`, p);
          }
          if (fieldId >= 0) noteKnownField(m, at, fieldId, kind, p);
          scalar = takeScalar(m, kind, s, list[at + VALUE]!, scalar);
          p = list[at + END]! + 2;
        }
      }
      // the header section ends, or a field that the reference grammar reads
      const c = s.charCodeAt(p);
      if (c === 0x0d && s.charCodeAt(p + 1) === 0x0a) break;
      if (p >= s.length) fault('unterminated-headers', 'the header section is not ended by an empty line', p);
      fieldStart = p;
      fieldId = -1;
      let nameEnd: number;
      let id: number;
      if (b !== undefined) {
        nameEnd = scanHeaderName(b, p);
        id = nameScan.id;
      } else {
        nameEnd = p;
        let hash = 0;
        for (let ch = c; nameEnd < s.length && (TABLE[ch]! & C_TOKEN) !== 0; ch = s.charCodeAt(++nameEnd)) hash = nameHashStep(hash, ch);
        id = lookupHeaderAt(s, p, nameEnd, hash)?.id ?? -1;
      }
      if (nameEnd === p) fault('bad-header-name', c === 0x20 || c === 0x09 ? 'a header line starts with whitespace where no field is being continued' : 'header field name must be a token', p);
      fieldNameEnd = nameEnd;
      fieldId = id;
      let k = nameEnd;
      while (s.charCodeAt(k) === 0x20 || s.charCodeAt(k) === 0x09) k++;
      if (s.charCodeAt(k) !== 0x3a) fault('bad-header-name', `expected ":" after header name ${JSON.stringify(s.slice(p, nameEnd))}`, k);
      const kind = KIND_OF[id + 1]!;
      const at = rec.length;
      if (at + HEAD > list.length) fault('too-many-headers', 'too many header fields to record', p);
      const e = fieldEnd(s, k + 1, p, limits);
      const v = skipLws(s, k + 1, e);
      if (++count > limits.maxHeaders) fault('too-many-headers', `more than ${limits.maxHeaders} header fields`, p);
      // the field's head, with no record (the reference readers build its values)
      list[at + VALUE] = v;
      list[at + END] = e;
      list[at + DEF] = ((id + 1) << KIND_BITS) | kind;
      list[at + LEN] = 0;
      rec.length = at + HEAD;
      if (id >= 0) {
        noteKnownField(m, at, id, kind, p);
        readKnownHeader(m, HEADER_DEFS[id]!, s, v, e);
      } else {
        checkText(s, v, e);
      }
      p = e + 2;
    }
    fieldStart = -1;
    const n = rec.length;
    m.placeRecords(storeRecords(list, n), stored.at, n);
    m.bodyStart = p + 2;
    checkMandatory(m);
    const bodyEnd = frameBody(s, m, framing);
    const msg = bodyEnd === s.length ? m : rebase(m, s.slice(0, bodyEnd));
    return { ok: true, value: msg as unknown as SipMessage };
  } catch (err) {
    const header = fieldStart < 0 ? undefined : fieldId >= 0 ? HEADER_DEFS[fieldId]!.canonical : fieldNameEnd > fieldStart ? s.slice(fieldStart, fieldNameEnd) : undefined;
    return { ok: false, error: toParseError(err, s, m, header) };
  }
}

/**
 * Bookkeeping for the known header field recorded at `at` (starting at p): the rule on
 * single-valued headers, the kinds seen, where the message finds Via/From/To/Contact.
 */
function noteKnownField(m: MessageImpl, at: number, id: number, kind: number, p: number): void {
  const bit = 1 << (kind & 31);
  const seen = kind < 32 ? m.seenLow : m.seenHigh;
  if (SINGLE[id + 1] === 1 && (seen & bit) !== 0) fault('duplicate-header', `${HEADER_DEFS[id]!.canonical} appears more than once, but takes a single value`, p);
  if (kind < 32) m.seenLow |= bit;
  else m.seenHigh |= bit;
  // where the message finds the values read most (see MessageImpl)
  if (kind === KIND_VIA) {
    if (m.viaFirst < 0) m.viaFirst = at;
    m.viaLast = at;
  } else if (kind === KIND_FROM) m.fromAt = at;
  else if (kind === KIND_TO) m.toAt = at;
  else if (kind === KIND_CONTACT) {
    if (m.contactFirst < 0) m.contactFirst = at;
    m.contactLast = at;
  }
}

// The messages' records live in chunks shared by consecutive messages: one allocation of
// a typed array costs several times copying a message's records (its backing store is
// outside the heap), so a chunk is filled by some tens of messages before the next one is
// allocated. A chunk lives as long as any of its messages: at most RECORD_CHUNK entries
// (64 KiB) kept for a message that outlives the others.
const RECORD_CHUNK = 16384;
let chunk = new Int32Array(RECORD_CHUNK);
/** Where storeRecords put the last records. */
const stored = { at: 0 };
let chunkUsed = 0;

/** Copy the first n entries of the record list into a chunk; returns it, with their offset in `stored.at`. */
function storeRecords(list: Int32Array, n: number): Int32Array {
  if (n > RECORD_CHUNK >> 2) {
    stored.at = 0;
    return list.slice(0, n);
  }
  if (chunkUsed + n > RECORD_CHUNK) {
    chunk = new Int32Array(RECORD_CHUNK);
    chunkUsed = 0;
  }
  chunk.set(list.subarray(0, n), chunkUsed);
  stored.at = chunkUsed;
  chunkUsed += n;
  return chunk;
}

/** Index of the CRLF ending the line that starts at `start`; checks line endings and length. */
function lineEndAt(s: string, start: number, limits: ParseLimits): number {
  const lf = s.indexOf('\n', start);
  const cr = s.indexOf('\r', start);
  if (lf < 0) fault(cr >= 0 ? 'bad-line-ending' : s.length === 0 ? 'empty' : 'unterminated-headers', cr >= 0 ? 'bare CR without LF' : 'no CRLF after the start line', cr >= 0 ? cr : s.length);
  if (cr < 0 || cr !== lf - 1) fault('bad-line-ending', 'line ends with a bare LF or CR; SIP requires CRLF (RFC 3261 §7)', cr >= 0 && cr < lf ? cr : lf);
  if (cr - start > limits.maxLineLength) fault('line-too-long', `start line longer than ${limits.maxLineLength} bytes`, start);
  return cr;
}

/** End (index of the final CR) of the header field whose value starts at v; follows folds. */
function fieldEnd(s: string, v: number, start: number, limits: ParseLimits): number {
  let lf = s.indexOf('\n', v);
  for (;;) {
    if (lf < 0) fault('unterminated-headers', 'the header section is not ended by an empty line', s.length);
    if (s.charCodeAt(lf - 1) !== 0x0d) fault('bad-line-ending', 'bare LF inside the header section; SIP requires CRLF (RFC 3261 §7)', lf);
    if (lf - start > limits.maxLineLength) fault('line-too-long', `header field longer than ${limits.maxLineLength} bytes`, start);
    const next = s.charCodeAt(lf + 1);
    if (next !== 0x20 && next !== 0x09) return lf - 1;
    lf = s.indexOf('\n', lf + 1); // a fold: CRLF followed by whitespace continues the field
  }
}

/** Apply the Content-Length rules of the framing; returns the index where the message ends. */
function frameBody(s: string, m: MessageImpl, framing: Framing): number {
  const available = s.length - m.bodyStart;
  const cl = m.contentLength;
  if (cl === undefined) {
    // RFC 3261 §18.3: "The Content-Length header field MUST be used with stream oriented transports."
    if (framing === 'stream') fault('bad-content-length', 'Content-Length is mandatory on stream transports (RFC 3261 §18.3)', m.bodyStart);
    return s.length;
  }
  if (cl > available) {
    // RFC 3261 §18.3: "If the transport packet ends before the end of the message body, this is considered an error."
    fault('incomplete-body', `Content-Length is ${cl} but only ${available} body bytes follow the header section`, m.bodyStart);
  }
  if (cl < available && framing !== 'datagram') {
    fault('extra-bytes', framing === 'websocket'
      ? `Content-Length is ${cl} but the WebSocket message carries ${available} body bytes (RFC 7118 §5: one SIP message per WebSocket message)`
      : `Content-Length is ${cl} but ${available} body bytes follow`, m.bodyStart + cl);
  }
  // datagram: "additional bytes in the transport packet beyond the end of the body ... MUST be discarded"
  return m.bodyStart + cl;
}

/** RFC 3261 §8.1.1: To, From, CSeq, Call-ID and Via are mandatory in every message. */
function checkMandatory(m: MessageImpl): void {
  const missing = !m.has(K.VIA) ? 'Via' : m.fromAt < 0 ? 'From' : m.toAt < 0 ? 'To' : !m.callId ? 'Call-ID' : !m.cseq ? 'CSeq' : undefined;
  if (missing) fault('missing-header', `missing ${missing} header field`, m.bodyStart, missing);
  if (m.kind === 'request' && m.cseq!.method !== m.method) {
    // RFC 3261 §8.1.1.5: "The method MUST match that of the request."
    fault('cseq-method-mismatch', `CSeq method ${m.cseq!.method} does not match the request method ${m.method}`, m.startLineEnd, 'CSeq');
  }
}

/** A copy of `m` over a shorter source (datagram with trailing bytes). */
function rebase(m: MessageImpl, src: string): MessageImpl {
  const copy = Object.assign(Object.create(MessageImpl.prototype) as MessageImpl, m);
  (copy as { src: string }).src = src;
  return copy;
}

export { SyntaxFault };
