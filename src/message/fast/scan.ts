// The parser's fast path (src/message/fast/), JavaScript side. The scanners themselves are
// WebAssembly (fast/wasm/scanner.ts, compiled into fast/scanner-wasm.ts by `npm run
// build:wasm`): bytes indexed in linear memory cost a fraction of what a JavaScript scan of
// the same bytes costs. Here: the module is instantiated once, its tables filled from
// chars.ts, param-names.ts and header-names.ts; a message is copied into its memory
// (`loadMessage`); `fastFields` (a run of header fields in one call) and `fastRequestUri`
// call the scanners and read back what they found. Addresses and codes come from
// fast/layout.ts, shared with the scanners; none needs the module, so the path without
// WebAssembly has them too.
//
// The scanners cover the forms values take in everyday traffic; on anything else they
// return -1 and the parser reads that field with the reference grammar, which accepts it
// or reports the exact error (see fast/wasm/scanner.ts). Where WebAssembly cannot be
// instantiated, `loadMessage` returns undefined and every field takes the reference path.

import { classTable, C_ALPHA, C_DIGIT, C_PARAM, C_TOKEN, C_USER, C_USER_NS, C_WORD } from '../chars.js';
import { PARAM_NAMES } from './param-names.js';
import { HEADER_DEFS, K } from '../header-names.js';
import type { MessageImpl } from '../message.js';
import {
  CELL_REC_LENGTH, CELLS, HOST_DIGIT, HOST_LETTER, HOST_MARK, INPUT, INPUT_CAPACITY, KIND_BITS, MAX_SCALARS,
  MEMORY_END, REC, REC_CAPACITY, SCALAR_SIZE, SCALARS, T_ALPHA, T_DIGIT, T_FAST, T_FIRST_CODE, T_HOST, T_KIND,
  T_NAME_AT, T_NAME_BYTES, T_NAME_ID, T_NAME_KEY, T_NAME_NEXT, T_NAME_START, T_NAME_TEXT, T_NEXT_CODE, T_PARAM,
  T_TEXT, T_TOKEN, T_USER, T_USER_NS, T_USER_ONLY, T_WORD,
} from './layout.js';
import { SCANNER_WASM } from './scanner-wasm.js';

/** Messages up to this size are copied whole; larger ones only up to the end of their header section. */
const SMALL = 4096;

interface ScannerExports {
  readonly memory: { readonly buffer: ArrayBuffer };
  fields(p: number, length: number, maxLineLength: number, recAt: number, noContact: boolean): number;
  uri(i: number, recAt: number): number;
}

interface Latin1Writer {
  latin1Write(s: string, offset: number, length?: number): number;
}
const NodeBuffer = (globalThis as unknown as { Buffer?: { from(buffer: ArrayBuffer, byteOffset: number, length: number): Latin1Writer } }).Buffer;

// the part of the WebAssembly API used here (the ES lib this layer compiles against has no types for it)
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: unknown };
}
const Wasm = (globalThis as unknown as { WebAssembly?: WebAssemblyApi }).WebAssembly;

function instantiate(): ScannerExports | undefined {
  if (Wasm === undefined) return undefined;
  try {
    const bytes = Uint8Array.from(atob(SCANNER_WASM), (c) => c.charCodeAt(0));
    return new Wasm.Instance(new Wasm.Module(bytes), {}).exports as ScannerExports;
  } catch {
    return undefined; // no WebAssembly here (or not allowed): the reference path reads everything
  }
}

const scanner = instantiate();
const buffer: ArrayBuffer = scanner ? scanner.memory.buffer : new ArrayBuffer(MEMORY_END);
const input = new Uint8Array(buffer, INPUT, INPUT_CAPACITY);
const writer = scanner && NodeBuffer ? NodeBuffer.from(buffer, INPUT, INPUT_CAPACITY) : undefined;
const cells = new Int32Array(buffer, CELLS, (SCALARS - CELLS) >> 2);
/** [number, start, end] per field of a scalar kind read by the last fastFields call (see fast/wasm/scanner.ts). */
const scalars = new Int32Array(buffer, SCALARS, MAX_SCALARS * SCALAR_SIZE);
const wasmFields = scanner ? scanner.fields : (p: number) => p;
const wasmUri = scanner ? scanner.uri : () => -1;

/**
 * Where the offsets recorded for the message's builders go (the scanners' record memory):
 * the parser adds each field's head, the scanners the record of its value; `length`
 * entries are used. The parser then copies the used part into a chunk the message keeps.
 */
export const rec = { list: new Int32Array(buffer, REC, REC_CAPACITY), length: 0 };

/** Header kinds with a scanner (the others always go to the reference readers). */
export const FAST_KINDS: Uint8Array = (() => {
  const t = new Uint8Array(1 << KIND_BITS);
  for (const kind of [
    K.TEXT, K.VIA, K.FROM, K.TO, K.CALL_ID, K.CSEQ, K.MAX_FORWARDS, K.CONTENT_LENGTH, K.CONTENT_TYPE, K.CONTACT,
    K.ROUTE, K.RECORD_ROUTE, K.PATH, K.SERVICE_ROUTE, K.REQUIRE, K.PROXY_REQUIRE, K.SUPPORTED, K.UNSUPPORTED, K.ALLOW,
    K.CONTENT_ENCODING, K.ALLOW_EVENTS, K.EXPIRES, K.MIN_EXPIRES, K.RSEQ, K.SESSION_EXPIRES, K.MIN_SE, K.REFER_TO,
    K.REFERRED_BY, K.EVENT, K.WWW_AUTHENTICATE, K.PROXY_AUTHENTICATE, K.AUTHORIZATION, K.PROXY_AUTHORIZATION,
  ]) t[kind] = 1;
  return t;
})();

/** Per header definition id + 1 (0 for an unknown header): its kind (K.TEXT for an unknown one). */
export const KIND_OF = Uint8Array.from([K.TEXT, ...HEADER_DEFS.map((d) => d.kind)]);

// the scanners' tables: character classes from chars.ts, header names and kinds from header-names.ts
function fillTables(): void {
  const memory = new Uint8Array(buffer);
  const host = classTable(C_ALPHA).map((alpha, c) =>
    (alpha === 1 ? HOST_LETTER : c >= 0x30 && c <= 0x39 ? HOST_DIGIT : c === 0x2e || c === 0x2d ? HOST_MARK : 0));
  const user = classTable(C_USER);
  memory.set(classTable(C_TOKEN), T_TOKEN);
  memory.set(classTable(C_DIGIT), T_DIGIT);
  memory.set(classTable(C_WORD), T_WORD);
  memory.set(new Uint8Array(256).map((_, c) => ((c >= 0x20 && c !== 0x7f && c < 0xfe) || c === 0x09 ? 1 : 0)), T_TEXT);
  memory.set(classTable(C_ALPHA), T_ALPHA);
  memory.set(host, T_HOST);
  memory.set(user, T_USER);
  memory.set(user.map((u, c) => (u === 1 && host[c] === 0 && c !== 0x3b && c !== 0x3f && c !== 0x2c ? 1 : 0)), T_USER_ONLY);
  memory.set(classTable(C_USER_NS), T_USER_NS);
  memory.set(classTable(C_PARAM), T_PARAM);
  // paramCode's tables: the names' bytes, the start of each, and per (length, first letter)
  // the first code with them, further codes with the same key chained
  const names = PARAM_NAMES.join('');
  for (let i = 0; i < names.length; i++) memory[T_NAME_BYTES + i] = names.charCodeAt(i);
  const starts = new Int32Array(buffer, T_NAME_START, PARAM_NAMES.length + 1);
  PARAM_NAMES.forEach((name, code) => (starts[code + 1] = starts[code]! + name.length));
  for (let code = PARAM_NAMES.length - 1; code > 0; code--) {
    const name = PARAM_NAMES[code]!;
    const key = (name.length << 6) | (name.charCodeAt(0) & 63);
    memory[T_NEXT_CODE + code] = memory[T_FIRST_CODE + key]!;
    memory[T_FIRST_CODE + key] = code;
  }
  memory.set(KIND_OF, T_KIND);
  memory.set(FAST_KINDS, T_FAST);
  fillNames();
}

/** The known header names for headerId (fast/wasm/scanner.ts): long and compact forms, lower case. */
function fillNames(): void {
  const keys = new Uint8Array(buffer, T_NAME_KEY, T_NAME_ID - T_NAME_KEY);
  const ids = new Int32Array(buffer, T_NAME_ID, 256);
  const next = new Uint8Array(buffer, T_NAME_NEXT, 256);
  const ats = new Int32Array(buffer, T_NAME_AT, 256);
  const text = new Uint8Array(buffer, T_NAME_TEXT, INPUT - T_NAME_TEXT);
  let entry = 0;
  let end = 0;
  for (const def of HEADER_DEFS) {
    for (const name of def.compact ? [def.canonical.toLowerCase(), def.compact] : [def.canonical.toLowerCase()]) {
      entry++;
      if (entry > 255 || name.length > 31 || end + name.length > text.length) throw new Error(`no room for the header name ${name} in the scanners' memory`);
      const key = (name.length << 10) | ((name.charCodeAt(0) & 31) << 5) | (name.charCodeAt(name.length - 1) & 31);
      ids[entry] = def.id;
      ats[entry] = end;
      for (let i = 0; i < name.length; i++) text[end++] = name.charCodeAt(i);
      next[entry] = keys[key]!;
      keys[key] = entry;
    }
  }
}
if (scanner) fillTables();

/** True when the fast path is in use (WebAssembly could be instantiated). */
export const fastPathAvailable = scanner !== undefined;


/**
 * Copy byte string `s` into the scanners' memory — all of it (a small message), or its
 * header section up to and including the empty line — followed by a CRLFCRLF sentinel, so
 * every scan meets a CR before the copy ends. Returns the bytes (offsets are those of `s`;
 * valid until the next parse), or undefined when the fast path cannot read this message.
 */
export function loadMessage(s: string): Uint8Array | undefined {
  if (scanner === undefined) return undefined;
  let n = s.length;
  if (n > SMALL) {
    n = s.indexOf('\r\n\r\n') + 4;
    if (n < 4 || n > INPUT_CAPACITY - 4) return undefined;
  }
  const b = input;
  if (writer) writer.latin1Write(s, 0, n);
  else for (let i = 0; i < n; i++) b[i] = s.charCodeAt(i);
  b[n] = 0x0d;
  b[n + 1] = 0x0a;
  b[n + 2] = 0x0d;
  b[n + 3] = 0x0a;
  return b;
}

/**
 * Read the header fields of the loaded message `s` from p (the start of a field's line) for
 * as long as they take the fast path, recording from `rec.length` their heads and the
 * records of their values; returns where it stopped: at the empty line ending the header
 * section, or at a field the parser must read with the reference grammar (see `fields` in
 * fast/wasm/scanner.ts). `scalars` then holds the values of the scalar fields read.
 */
export function fastFields(s: string, p: number, maxLineLength: number, noContact: boolean): number {
  const q = wasmFields(p, s.length, maxLineLength, rec.length, noContact);
  rec.length = cells[CELL_REC_LENGTH]!;
  return q;
}

/** The CSeq method s[ms..me): the request's own method string when they are the same (its first bytes). */
export function cseqMethod(method: string | undefined, s: string, ms: number, me: number): string {
  if (method === undefined || method.length !== me - ms) return s.slice(ms, me);
  const b = input;
  for (let k = 0; k < me - ms; k++) if (b[ms + k] !== b[k]) return s.slice(ms, me);
  return method;
}

/**
 * A SIP or SIPS Request-URI at i in the loaded message (with parameters, without headers or
 * a method parameter), recorded from `rec.length`: returns the index after it, or -1 (and
 * nothing recorded) for the reference path.
 */
export function fastRequestUri(i: number): number {
  const e = wasmUri(i, rec.length);
  if (e >= 0) rec.length = cells[CELL_REC_LENGTH]!;
  return e;
}

// module-local copies of imported constants: optimized code reads an imported binding
// through its module cell at every use, but folds a local const
const KIND_CALL_ID = K.CALL_ID;
const KIND_CSEQ = K.CSEQ;
const KIND_MAX_FORWARDS = K.MAX_FORWARDS;
const KIND_CONTENT_LENGTH = K.CONTENT_LENGTH;
const KIND_CONTACT = K.CONTACT;
const KIND_EXPIRES = K.EXPIRES;
const KIND_MIN_EXPIRES = K.MIN_EXPIRES;
const KIND_RSEQ = K.RSEQ;

/**
 * After fastFields: store on the message the value of a field of this kind read by the
 * fast path (value at v), for the kinds the message keeps as scalars, from entry n of
 * `scalars` (the next to take); returns the next entry.
 */
export function takeScalar(m: MessageImpl, kind: number, s: string, v: number, n: number): number {
  const o = n * 3;
  switch (kind) {
    case KIND_CALL_ID: m.callId = s.slice(v, scalars[o + 2]); break;
    case KIND_CSEQ: m.cseq = { seq: scalars[o]! >>> 0, method: cseqMethod(m.method, s, scalars[o + 1]!, scalars[o + 2]!) }; break;
    case KIND_MAX_FORWARDS: m.maxForwards = scalars[o]!; break;
    case KIND_CONTENT_LENGTH: m.contentLength = scalars[o]!; break;
    case KIND_EXPIRES: m.expires = scalars[o]! >>> 0; break;
    case KIND_MIN_EXPIRES: m.minExpires = scalars[o]! >>> 0; break;
    case KIND_RSEQ: m.rseq = scalars[o]! >>> 0; break;
    case KIND_CONTACT: m.hasContacts = true; return n;
    default: return n;
  }
  return n + 1;
}
