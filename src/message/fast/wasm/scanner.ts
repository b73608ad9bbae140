// The parser's fast path (src/message/fast/): the scanners for the forms header values
// take in everyday traffic, in AssemblyScript, compiled to WebAssembly (`npm run build:wasm`,
// scripts/build-wasm.js, writes the module into fast/scanner-wasm.ts). fast/scan.ts is the
// JavaScript side: it loads the message into this module's memory, calls `fields` for a run
// of header fields and `uri` for the Request-URI, and reads back what was recorded. The
// numbers both sides use — memory layout, a field's head, header kinds, record codes — are
// in fast/layout.ts, which both import.
//
// They cover a subset of the grammar (no folds, escapes, quoted pairs, IPv6 references,
// ...). On anything outside it — including every actual error — a scanner returns BAIL
// (-1), and the parser reads that one field again with the reference readers
// (header-dispatch.ts), which accept it or report the exact error. So the fast path decides
// nothing on its own: whatever it accepts, the reference grammar accepts with the same
// value (test/unit/message/fast-path.test.ts checks this on real, torture and fuzzed
// messages). Bailing more than needed is always safe, only slower.
//
// Contract of a field scanner: called with i at the first byte of the value (after HCOLON
// and any SP/HT), it returns the index of the CR that ends the field, or BAIL. The message
// in INPUT ends with a CRLFCRLF sentinel, so every scan meets a CR before the copy ends;
// the parser refuses a field that would end at the sentinel. As they go, the scanners
// record the offsets the message needs to build values later without scanning again
// (formats in fast/build.ts, codes in fast/layout.ts), as i32 entries at REC.

import {
  CELLS, CELL_REC_LENGTH, F_DEF, F_END, F_HEAD, F_LEN, F_VALUE, HOST_DIGIT, HOST_KIND_DOMAIN, HOST_KIND_IPV4,
  HOST_LETTER, INPUT, KIND_BITS, K_ALLOW, K_ALLOW_EVENTS, K_AUTHORIZATION, K_CALL_ID, K_CONTACT, K_CONTENT_ENCODING,
  K_CONTENT_LENGTH, K_CONTENT_TYPE, K_CSEQ, K_EVENT, K_EXPIRES, K_FROM, K_MAX_FORWARDS, K_MIN_EXPIRES, K_MIN_SE,
  K_PATH, K_PROXY_AUTHENTICATE, K_PROXY_AUTHORIZATION, K_PROXY_REQUIRE, K_RECORD_ROUTE, K_REFERRED_BY, K_REFER_TO,
  K_REQUIRE, K_ROUTE, K_RSEQ, K_SERVICE_ROUTE, K_SESSION_EXPIRES, K_SUPPORTED, K_TEXT, K_TO, K_UNSUPPORTED, K_VIA,
  K_WWW_AUTHENTICATE, MAX_SCALARS, PARAM_SIZE, P_BRANCH, P_EXPIRES, P_ID, P_INSTANCE, P_MADDR, P_METHOD, P_Q,
  P_RECEIVED, P_REFRESHER, P_REG_ID, P_RPORT, P_TAG, P_TTL, REC, REC_CAPACITY, SCALARS, SCALAR_SIZE, TRANSPORT_OTHER,
  TRANSPORT_SCTP, TRANSPORT_TCP, TRANSPORT_TLS, TRANSPORT_UDP, TRANSPORT_WS, TRANSPORT_WSS, T_ALPHA, T_DIGIT, T_FAST,
  T_FIRST_CODE, T_HOST, T_KIND, T_NAME_AT, T_NAME_BYTES, T_NAME_ID, T_NAME_KEY, T_NAME_NEXT, T_NAME_START,
  T_NAME_TEXT, T_NEXT_CODE, T_PARAM, T_TEXT, T_TOKEN, T_USER, T_USER_NS, T_USER_ONLY, T_WORD,
} from '../layout';
// Every constant of layout.ts is also exported, as a global: test/unit/message/fast-layout.test.ts
// checks that the committed module has the values the TypeScript side has.
export * from '../layout';

// layout.ts's constants are i32 here: addresses are cast to usize (`<usize>T_HOST + ...`) where added to
/** A scan starts only below this many entries, so none can write past REC_CAPACITY. */
const REC_ROOM: i32 = REC_CAPACITY - 1024;
/** Parameters per record at most. */
const MAX_PARAMS = 16;

const BAIL: i32 = -1;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HT = 0x09;
const DQUOTE = 0x22;
const MAX_U32: u64 = 0xffffffff;
const MAX_CONTENT_LENGTH: u64 = 0x7fffffff;

// ---- primitives ----
/** The byte at offset i of the message. */
@inline function at(i: i32): i32 {
  return <i32>load<u8>(<usize>INPUT + <usize>i);
}
/** 1 when byte c is in the class of `table`. */
@inline function isIn(table: usize, c: i32): bool {
  return load<u8>(table + <usize>c) == 1;
}
@inline function recGet(o: i32): i32 {
  return load<i32>(<usize>REC + (<usize>o << 2));
}
@inline function recSet(o: i32, v: i32): void {
  store<i32>(<usize>REC + (<usize>o << 2), v);
}

/** Entries recorded so far. */
let recLength: i32 = 0;
@inline function put(v: i32): void {
  recSet(recLength++, v);
}

/** Second results of the scanners below. */
let scannedNumber: u32 = 0;
let scannedStart: i32 = 0;
let scannedEnd: i32 = 0;
let hostKind: i32 = 0;
let portValue: i32 = -1;
/** Where the last fastParams scan recorded its count. */
let paramBlock: i32 = 0;

/** Index of the CR ending the field, when only SP/HT remain before a CRLF that is not a fold. */
function endOfField(i: i32): i32 {
  if (i < 0) return BAIL;
  let c = at(i);
  while (c == SP || c == HT) c = at(++i);
  if (c != CR || at(i + 1) != LF) return BAIL;
  const n = at(i + 2);
  if (n == SP || n == HT) return BAIL;
  return i;
}

/** Index after a run of SP/HT starting at i. */
function skipWsp(i: i32): i32 {
  let c = at(i);
  while (c == SP || c == HT) c = at(++i);
  return i;
}

/** Index after a (possibly empty) run of token chars. */
function tokenEnd(i: i32): i32 {
  while (isIn(T_TOKEN, at(i))) i++;
  return i;
}

/** Free text (what checkText accepts), on one line. */
function fastText(i: i32): i32 {
  while (isIn(T_TEXT, at(i))) i++;
  return endOfField(i);
}

/** `token *(COMMA token)`, or also nothing when `allowEmpty` (what readTokenList accepts). */
function fastTokenList(i: i32, allowEmpty: bool): i32 {
  let c = at(i);
  if (c == CR) return allowEmpty ? endOfField(i) : BAIL;
  for (;;) {
    const start = i;
    while (isIn(T_TOKEN, c)) c = at(++i);
    if (i == start) return BAIL;
    while (c == SP || c == HT) c = at(++i);
    if (c != 0x2c) return endOfField(i);
    c = at(++i);
    while (c == SP || c == HT) c = at(++i);
  }
  return BAIL; // the loop above only ends by returning
}

/** Up to 10 digits with a value no larger than max; the value is left in scannedNumber. */
function fastDigits(i: i32, max: u64): i32 {
  let k = i;
  let n: u64 = 0;
  let c = at(k);
  while (isIn(T_DIGIT, c)) {
    n = n * 10 + <u64>(c - 48);
    c = at(++k);
  }
  if (k == i || k - i > 10 || n > max) return BAIL;
  scannedNumber = <u32>n;
  return k;
}

/** A whole value that is `1*DIGIT` no larger than max (what readNumberValue accepts). */
function fastNumber(i: i32, max: u64): i32 {
  const k = fastDigits(i, max);
  return k < 0 ? BAIL : endOfField(k);
}

/** callid = word [ "@" word ]; scannedEnd is left after the callid. */
function fastCallId(i: i32): i32 {
  let k = i;
  while (isIn(T_WORD, at(k))) k++;
  if (k == i) return BAIL;
  if (at(k) == 0x40) {
    const w = ++k;
    while (isIn(T_WORD, at(k))) k++;
    if (k == w) return BAIL;
  }
  scannedEnd = k;
  return endOfField(k);
}

/**
 * A quoted-string at i (the DQUOTE) holding only printable ASCII and HT: no quoted-pair,
 * no fold, no UTF-8, so its content is exactly the text between the quotes.
 */
function fastQuoted(i: i32): i32 {
  for (let k = i + 1; ; k++) {
    const c = at(k);
    if (c == DQUOTE) return k + 1;
    if (!((c >= 0x20 && c < 0x7f && c != 0x5c) || c == HT)) return BAIL;
  }
  return BAIL; // the loop above only ends by returning
}

/** Value of the digits [i, j) (at most 10 of them). */
function digitsAt(i: i32, j: i32): u64 {
  let n: u64 = 0;
  for (let k = i; k < j; k++) n = n * 10 + <u64>(at(k) - 48);
  return n;
}

/** True when [i, j) are all digits. */
function allDigits(i: i32, j: i32): bool {
  if (j == i) return false;
  for (let k = i; k < j; k++) if (!isIn(T_DIGIT, at(k))) return false;
  return true;
}

// ---- hosts and URIs (fast/build.ts: the URI record) ----

/**
 * host = hostname / IPv4address (RFC 3261 §25), as scanHost reads it; IPv6 references bail.
 * Returns the index after the host; its kind (HOST_KIND_DOMAIN or HOST_KIND_IPV4) is left in hostKind.
 */
function fastHost(i: i32): i32 {
  let k = i;
  let labelStart = i;
  let lastLabelStart = i;
  let digitsOnly = true;
  for (;; k++) {
    const c = at(k);
    const f = <i32>load<u8>(<usize>T_HOST + <usize>c);
    if (f == HOST_LETTER) digitsOnly = false;
    else if (f == HOST_DIGIT) continue;
    else if (c == 0x2e) {
      if (k == labelStart || at(k - 1) == 0x2d) return BAIL;
      lastLabelStart = labelStart;
      labelStart = k + 1;
    } else if (c == 0x2d) {
      if (k == labelStart) return BAIL;
      digitsOnly = false;
    } else break;
  }
  if (k == i) return BAIL;
  if (labelStart < k) {
    if (at(k - 1) == 0x2d) return BAIL;
    lastLabelStart = labelStart;
  }
  if (digitsOnly) {
    if (!isIpv4(i, k)) return BAIL;
    hostKind = HOST_KIND_IPV4;
  } else {
    if (!isIn(T_ALPHA, at(lastLabelStart))) return BAIL;
    hostKind = HOST_KIND_DOMAIN;
  }
  return k;
}

/** isIpv4 (host.ts): four dot-separated 1-3 digit numbers up to 255, exactly [i, j). */
function isIpv4(i: i32, j: i32): bool {
  let parts = 0;
  let k = i;
  for (;;) {
    let n = 0;
    const start = k;
    while (k < j && at(k) >= 0x30 && at(k) <= 0x39) n = n * 10 + at(k++) - 48;
    if (k == start || k - start > 3 || n > 255) return false;
    parts++;
    if (k == j) return parts == 4;
    if (at(k) != 0x2e) return false;
    k++;
  }
  return false; // the loop above only ends by returning
}

/** `port = 1*DIGIT` as readPort reads it (at most 5 digits, at most 65535); i is after ":". Value in portValue. */
function fastPort(i: i32): i32 {
  let k = i;
  let n = 0;
  let c = at(k);
  while (c >= 0x30 && c <= 0x39) {
    n = n * 10 + (c - 48);
    c = at(++k);
    if (k - i > 5) return BAIL;
  }
  if (k == i || n > 65535) return BAIL;
  portValue = n;
  return k;
}

/**
 * A SIP or SIPS URI starting at i (at its scheme); returns the index of the first char that
 * cannot continue it (the caller checks that the URI ends there). In an addr-spec (`addrSpec`)
 * the URI ends at the first ";" or ",", as in readAddrSpec, so it has no parameters.
 * Recorded: [sips, userStart (-1 if none), userEnd, hostStart, hostEnd, hostKind, port (-1), params].
 */
function fastSipUri(i: i32, addrSpec: bool): i32 {
  if (at(i) != 0x73 || at(i + 1) != 0x69 || at(i + 2) != 0x70) return BAIL;
  let k = i + 3;
  const sips = at(k) == 0x73;
  if (sips) k++;
  if (at(k) != 0x3a) return BAIL;
  const r = recLength;
  recSet(r, sips ? 1 : 0);
  // userinfo: user chars up to an "@". The chars of a host come first in most URIs; a
  // user-only char after them means a user part, anything else that there is none.
  const u = ++k;
  let c = at(k);
  while (load<u8>(<usize>T_HOST + <usize>c) != 0) c = at(++k);
  if (isIn(T_USER_ONLY, c)) {
    const user = addrSpec ? T_USER_NS : T_USER;
    while (isIn(user, c)) c = at(++k);
    if (c != 0x40) return BAIL;
  }
  if (c == 0x40 && k > u) {
    recSet(r + 1, u);
    recSet(r + 2, k);
    k++;
  } else {
    recSet(r + 1, -1);
    recSet(r + 2, -1);
    k = u;
  }
  recSet(r + 3, k);
  k = fastHost(k);
  if (k < 0) return BAIL;
  recSet(r + 4, k);
  recSet(r + 5, hostKind);
  if (at(k) == 0x3a) {
    k = fastPort(k + 1);
    if (k < 0) return BAIL;
    recSet(r + 6, portValue);
  } else recSet(r + 6, -1);
  recLength = r + 7;
  if (!addrSpec && at(k) == 0x3b) {
    k = fastUriParams(k);
    if (k < 0) return BAIL;
  } else put(0);
  if (at(k) == 0x3f) return BAIL; // URI headers
  return k;
}

/** uri-parameters from the ";" at k, recorded as fastParams records header params. */
function fastUriParams(k: i32): i32 {
  const r = recLength;
  let w = r + 1;
  while (at(k) == 0x3b) {
    const ns = ++k;
    while (isIn(T_PARAM, at(k))) k++;
    const ne = k;
    if (ne == ns) return BAIL;
    let vs = -1;
    if (at(k) == 0x3d) {
      vs = ++k;
      while (isIn(T_PARAM, at(k))) k++;
      if (k == vs) return BAIL;
    }
    const code = paramCode(ns, ne);
    // ttl and maddr have value rules and method is refused in a Request-URI: the reference reads those
    if (code == P_TTL || code == P_MADDR || code == P_METHOD || !putParam(r, w, code, ns, ne, vs, k)) return BAIL;
    w += PARAM_SIZE;
  }
  recSet(r, (w - r - 1) / PARAM_SIZE);
  recLength = w;
  return k;
}

// ---- parameters ----

/**
 * The code of the parameter name [i, j) (letters in any case), 0 if it has none: per
 * (length, first letter) the first code with them, further codes chained in NEXT_CODE.
 */
function paramCode(i: i32, j: i32): i32 {
  const len = j - i;
  if (len > 15) return 0;
  let code = <i32>load<u8>(<usize>T_FIRST_CODE + <usize>((len << 6) | ((at(i) | 0x20) & 63)));
  while (code != 0) {
    const o = load<i32>(<usize>T_NAME_START + (<usize>code << 2)) - i;
    let k = i;
    while (k < j && (at(k) | 0x20) == <i32>load<u8>(<usize>T_NAME_BYTES + <usize>(o + k))) k++;
    if (k == j) return code;
    code = <i32>load<u8>(<usize>T_NEXT_CODE + <usize>code);
  }
  return 0;
}

/** Case-insensitive equality of two parameter names (token or param chars: letters fold, nothing else does). */
function sameParamName(a: i32, ae: i32, c: i32, ce: i32): bool {
  if (ae - a != ce - c) return false;
  for (let k = 0; k < ae - a; k++) {
    const x = at(a + k);
    const y = at(c + k);
    if (x != y && ((x | 0x20) != (y | 0x20) || !isIn(T_ALPHA, x))) return false;
  }
  return true;
}

/** True when a parameter recorded in [from, to) has the name [ns, ne) (with code `code`). */
function isDuplicate(from: i32, to: i32, code: i32, ns: i32, ne: i32): bool {
  for (let d = from; d < to; d += PARAM_SIZE) {
    if (code != 0 ? recGet(d) == code : recGet(d) == 0 && sameParamName(recGet(d + 1), recGet(d + 2), ns, ne)) return true;
  }
  return false;
}

/**
 * Record a parameter [code, nameStart, nameEnd, valueStart, valueEnd] at entry w of the
 * block whose count is at r; false (bail) for a second parameter with that name (the
 * reference reports it) or for one too many.
 */
@inline function putParam(r: i32, w: i32, code: i32, ns: i32, ne: i32, vs: i32, ve: i32): bool {
  if (isDuplicate(r + 1, w, code, ns, ne) || w - r > MAX_PARAMS * PARAM_SIZE) return false;
  recSet(w, code);
  recSet(w + 1, ns);
  recSet(w + 2, ne);
  recSet(w + 3, vs);
  recSet(w + 4, ve);
  return true;
}

/**
 * `*( SEMI generic-param )` at i as readParams reads them, with SWS limited to SP/HT and
 * values that are tokens or plain quoted-strings; returns the index after the last
 * parameter (i if none). Recorded [n, (code, nameStart, nameEnd, valueStart, valueEnd) × n];
 * paramBlock is left at n.
 */
function fastParams(i: i32): i32 {
  if (i < 0) return BAIL;
  const r = recLength;
  let w = r + 1;
  paramBlock = r;
  for (;;) {
    let k = i;
    let c = at(k);
    while (c == SP || c == HT) c = at(++k);
    if (c != 0x3b) break;
    c = at(++k);
    while (c == SP || c == HT) c = at(++k);
    const ns = k;
    while (isIn(T_TOKEN, c)) c = at(++k);
    const ne = k;
    if (ne == ns) return BAIL;
    let vs = -1;
    let j = k;
    while (c == SP || c == HT) c = at(++j);
    if (c == 0x3d) {
      c = at(++j);
      while (c == SP || c == HT) c = at(++j);
      vs = j;
      if (c == DQUOTE) {
        k = fastQuoted(j);
        if (k < 0) return BAIL;
      } else {
        k = j;
        while (isIn(T_TOKEN, c)) c = at(++k);
        // an empty value, an IPv6 reference, or a bare IPv6 received= : the reference decides
        if (k == j || c == 0x3a) return BAIL;
      }
    }
    if (!putParam(r, w, paramCode(ns, ne), ns, ne, vs, k)) return BAIL;
    w += PARAM_SIZE;
    i = k;
  }
  recSet(r, (w - r - 1) / PARAM_SIZE);
  recLength = w;
  return i;
}

/** Offset of the first parameter of the last fastParams scan, and the end of them. */
@inline function firstParam(): i32 {
  return paramBlock + 1;
}
@inline function paramsEnd(): i32 {
  return paramBlock + 1 + recGet(paramBlock) * PARAM_SIZE;
}

// ---- addresses (fast/build.ts: [displayNameStart (-1 if none), displayNameEnd, URI, params]) ----

/**
 * name-addr (or addr-spec when allowed) at i, as readAddress reads it, for SIP URIs and
 * display names that are a plain quoted-string or tokens separated by single spaces;
 * returns the index after it.
 */
function fastAddress(i: i32, allowAddrSpec: bool): i32 {
  if (recLength > REC_ROOM) return BAIL;
  let c = at(i);
  let lt: i32 = 0;
  if (c == DQUOTE) {
    const q = fastQuoted(i);
    if (q < 0) return BAIL;
    put(i + 1);
    put(q - 1);
    lt = skipWsp(q);
    if (at(lt) != 0x3c) return BAIL;
  } else if (c == 0x3c) {
    put(-1);
    put(-1);
    lt = i;
  } else {
    let t = tokenEnd(i);
    if (t > i && at(t) == 0x3a) {
      if (!allowAddrSpec) return BAIL;
      // addr-spec: the URI ends at ";", ",", SP, HTAB or CR, as in readAddrSpec
      put(-1);
      put(-1);
      const k = fastSipUri(i, true);
      if (k < 0) return BAIL;
      c = at(k);
      if (c != 0x3b && c != 0x2c && c != SP && c != HT && c != CR) return BAIL;
      return k;
    }
    // display-name = *(token LWS): the reference joins the tokens with single spaces, so
    // the text as written is that name when every separator is one SP
    const start = i;
    for (;;) {
      if (t == i) return BAIL;
      c = at(t);
      if (c == 0x3c) {
        lt = t;
        break;
      }
      const w = skipWsp(t);
      if (at(w) == 0x3c) {
        lt = w;
        break;
      }
      if (w != t + 1 || c != SP || !isIn(T_TOKEN, at(w))) return BAIL;
      i = w;
      t = tokenEnd(i);
    }
    put(start);
    put(t);
  }
  // LAQUOT addr-spec RAQUOT
  const gt = fastSipUri(lt + 1, false);
  if (gt < 0 || at(gt) != 0x3e) return BAIL;
  return gt + 1;
}

/** After a list element at i: the index of the next element after a COMMA, or -1 at the end. */
function nextElement(i: i32): i32 {
  const k = skipWsp(i);
  return at(k) == 0x2c ? skipWsp(k + 1) : -1;
}

/** From / To: one address, then params with a token `tag`. */
function fastFromTo(i: i32): i32 {
  const a = fastAddress(i, true);
  if (a < 0) return BAIL;
  const k = fastParams(a);
  if (k < 0) return BAIL;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    if (recGet(o) == P_TAG && (recGet(o + 3) < 0 || at(recGet(o + 3)) == DQUOTE)) return BAIL;
  }
  return endOfField(k);
}

/** Refer-To / Referred-By: one address with params. */
function fastSingleAddress(i: i32): i32 {
  const a = fastAddress(i, true);
  return a < 0 ? BAIL : endOfField(fastParams(a));
}

/** Route / Record-Route / Path / Service-Route: name-addrs with params, comma-separated. */
function fastNameAddrList(i: i32): i32 {
  const r = recLength;
  put(0);
  for (let n = 1; ; n++) {
    const a = fastAddress(i, false);
    if (a < 0) return BAIL;
    i = fastParams(a);
    if (i < 0) return BAIL;
    recSet(r, n);
    const next = nextElement(i);
    if (next < 0) return endOfField(i);
    i = next;
  }
  return BAIL; // the loop above only ends by returning
}

/** q = "0" [ "." 0*3DIGIT ] / "1" [ "." 0*3("0") ], as the reference's pattern checks it. */
function isQValue(i: i32, j: i32): bool {
  const c = at(i);
  if (c != 0x30 && c != 0x31) return false;
  if (j == i + 1) return true;
  if (at(i + 1) != 0x2e || j - i > 5) return false;
  for (let k = i + 2; k < j; k++) {
    const d = at(k);
    if (c == 0x31 ? d != 0x30 : d < 0x30 || d > 0x39) return false;
  }
  return true;
}

/** A contact param value of digits no larger than max (as numberParam checks). */
function isNumber(vs: i32, ve: i32, max: u64): bool {
  return vs >= 0 && ve - vs <= 10 && allDigits(vs, ve) && digitsAt(vs, ve) <= max;
}

/** The checks contactOf makes on the contact params of the last fastParams scan. */
function contactParamsOk(): bool {
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    const code = recGet(o);
    if (code == 0) continue;
    const vs = recGet(o + 3);
    const ve = recGet(o + 4);
    if (code == P_EXPIRES) {
      if (!isNumber(vs, ve, MAX_U32)) return false;
    } else if (code == P_Q) {
      if (vs < 0 || !isQValue(vs, ve)) return false;
    } else if (code == P_INSTANCE) {
      if (vs < 0 || at(vs) != DQUOTE) return false;
    } else if (code == P_REG_ID) {
      if (!isNumber(vs, ve, 0x7fffffff)) return false;
    }
  }
  return true;
}

/** Contact values other than "*" (which bails: the reference handles its rules). */
function fastContacts(i: i32): i32 {
  if (at(i) == 0x2a) return BAIL;
  const r = recLength;
  put(0);
  for (let n = 1; ; n++) {
    const a = fastAddress(i, true);
    if (a < 0) return BAIL;
    i = fastParams(a);
    if (i < 0 || !contactParamsOk()) return BAIL;
    recSet(r, n);
    const next = nextElement(i);
    if (next < 0) return endOfField(i);
    i = next;
  }
  return BAIL; // the loop above only ends by returning
}

// ---- Via (fast/build.ts: [count, (transport code, transportStart, transportEnd, hostStart, hostEnd, port, params) × count]) ----

/** The checks readViaParm makes on the params of the last fastParams scan (maddr and ttl: the reference's). */
function viaParamsOk(): bool {
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    const code = recGet(o);
    if (code == 0) continue;
    const vs = recGet(o + 3);
    const ve = recGet(o + 4);
    if (code == P_BRANCH) {
      if (vs < 0 || at(vs) == DQUOTE) return false;
    } else if (code == P_RECEIVED) {
      // an IPv6 received= goes to the reference too
      if (vs < 0 || !isIpv4(vs, ve)) return false;
    } else if (code == P_RPORT) {
      if (vs >= 0 && (ve - vs > 5 || !allDigits(vs, ve) || digitsAt(vs, ve) > 65535)) return false;
    } else if (code == P_MADDR || code == P_TTL) return false;
  }
  return true;
}

/** The transport code (TRANSPORT_UDP ...) of the transport [t, te) (any case, as transportOf compares), or TRANSPORT_OTHER. */
function transportCode(t: i32, te: i32): i32 {
  const c0 = at(t) & 0xdf;
  const c1 = at(t + 1) & 0xdf;
  const len = te - t;
  if (len == 2) return c0 == 0x57 && c1 == 0x53 ? TRANSPORT_WS : TRANSPORT_OTHER;
  if (len == 3) {
    const c2 = at(t + 2) & 0xdf;
    if (c0 == 0x57 && c1 == 0x53 && c2 == 0x53) return TRANSPORT_WSS;
    if (c0 == 0x55 && c1 == 0x44 && c2 == 0x50) return TRANSPORT_UDP;
    if (c0 == 0x54 && c1 == 0x43 && c2 == 0x50) return TRANSPORT_TCP;
    if (c0 == 0x54 && c1 == 0x4c && c2 == 0x53) return TRANSPORT_TLS;
    return TRANSPORT_OTHER;
  }
  if (len == 4) return c0 == 0x53 && c1 == 0x43 && (at(t + 2) & 0xdf) == 0x54 && (at(t + 3) & 0xdf) == 0x50 ? TRANSPORT_SCTP : TRANSPORT_OTHER;
  return TRANSPORT_OTHER;
}

/** One or more comma-separated via-parms: `SIP/2.0/transport SP host [":" port]` and params. */
function fastVias(i: i32): i32 {
  const r = recLength;
  put(0);
  for (let n = 1; ; n++) {
    if (recLength > REC_ROOM) return BAIL;
    // "SIP/2.0/"
    if (at(i) != 0x53 || at(i + 1) != 0x49 || at(i + 2) != 0x50 || at(i + 3) != 0x2f || at(i + 4) != 0x32
      || at(i + 5) != 0x2e || at(i + 6) != 0x30 || at(i + 7) != 0x2f) return BAIL;
    const t = i + 8;
    const te = tokenEnd(t);
    if (te == t) return BAIL;
    const h = skipWsp(te);
    if (h == te) return BAIL;
    const he = fastHost(h);
    if (he < 0) return BAIL;
    put(transportCode(t, te));
    put(t);
    put(te);
    put(h);
    put(he);
    let k = he;
    if (at(he) == 0x3a) {
      k = fastPort(he + 1);
      if (k < 0) return BAIL;
      put(portValue);
    } else {
      if (at(skipWsp(he)) == 0x3a) return BAIL; // LWS before the ":" of the port
      put(-1);
    }
    k = fastParams(k);
    if (k < 0 || !viaParamsOk()) return BAIL;
    recSet(r, n);
    const w = skipWsp(k);
    if (at(w) != 0x2c) return endOfField(k);
    i = skipWsp(w + 1);
  }
  return BAIL; // the loop above only ends by returning
}

// ---- the other kinds ----

/** CSeq = 1*DIGIT LWS Method: the number in scannedNumber, the method in [scannedStart, scannedEnd). */
function fastCSeq(i: i32): i32 {
  const d = fastDigits(i, MAX_U32);
  if (d < 0) return BAIL;
  const ms = skipWsp(d);
  if (ms == d) return BAIL;
  const me = tokenEnd(ms);
  if (me == ms) return BAIL;
  scannedStart = ms;
  scannedEnd = me;
  return endOfField(me);
}

/** media-type without LWS around "/" and without wildcards, as readContentType accepts it; records [type, "/", end, params]. */
function fastContentType(i: i32): i32 {
  const te = tokenEnd(i);
  if (te == i || at(te) != 0x2f) return BAIL;
  const se = tokenEnd(te + 1);
  if (se == te + 1) return BAIL;
  if ((te == i + 1 && at(i) == 0x2a) || (se == te + 2 && at(te + 1) == 0x2a)) return BAIL;
  put(i);
  put(te);
  put(se);
  return endOfField(fastParams(se));
}

/** True when [i, j) is "uac" or "uas". */
function isRefresher(i: i32, j: i32): bool {
  return j - i == 3 && at(i) == 0x75 && at(i + 1) == 0x61 && (at(i + 2) == 0x63 || at(i + 2) == 0x73);
}

/** Session-Expires / Min-SE: delta-seconds and params, refresher exactly "uac" or "uas". */
function fastSessionExpires(i: i32): i32 {
  const d = fastDigits(i, MAX_U32);
  if (d < 0) return BAIL;
  const e = endOfField(fastParams(d));
  if (e < 0) return BAIL;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    if (recGet(o) != P_REFRESHER) continue;
    const vs = recGet(o + 3);
    if (vs < 0 || !isRefresher(vs, recGet(o + 4))) return BAIL;
  }
  return e;
}

/** Event: event-type and params, an `id` with a value. */
function fastEvent(i: i32): i32 {
  const te = tokenEnd(i);
  if (te == i) return BAIL;
  const e = endOfField(fastParams(te));
  if (e < 0) return BAIL;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) if (recGet(o) == P_ID && recGet(o + 3) < 0) return BAIL;
  return e;
}

/**
 * WWW-/Proxy-Authenticate, (Proxy-)Authorization as readAuthValue reads them: scheme LWS
 * auth-param *(COMMA auth-param), auth-param = token EQUAL (token / plain quoted-string).
 * No record: the message reads them with the reference reader when asked for them.
 */
function fastAuth(i: i32): i32 {
  let k = tokenEnd(i);
  if (k == i) return BAIL;
  const p = skipWsp(k);
  if (p == k) return BAIL;
  k = p;
  // names seen so far, for the duplicate check (scratch space after the record; not kept)
  const r = recLength;
  for (let n = 0; ; n++) {
    const ns = k;
    k = tokenEnd(k);
    const ne = k;
    if (ne == ns) return BAIL;
    k = skipWsp(k);
    if (at(k) != 0x3d) return BAIL;
    k = skipWsp(k + 1);
    if (at(k) == DQUOTE) {
      k = fastQuoted(k);
      if (k < 0) return BAIL;
    } else {
      const vs = k;
      k = tokenEnd(k);
      if (k == vs) return BAIL;
    }
    for (let d = r; d < r + 2 * n; d += 2) if (sameParamName(recGet(d), recGet(d + 1), ns, ne)) return BAIL;
    if (n == 32) return BAIL;
    recSet(r + 2 * n, ns);
    recSet(r + 2 * n + 1, ne);
    const w = skipWsp(k);
    if (at(w) != 0x2c) return endOfField(k);
    k = skipWsp(w + 1);
  }
  return BAIL; // the loop above only ends by returning
}

function scan(kind: i32, i: i32): i32 {
  switch (kind) {
    case K_TEXT: return fastText(i);
    case K_VIA: return fastVias(i);
    case K_FROM:
    case K_TO: return fastFromTo(i);
    case K_CALL_ID: return fastCallId(i);
    case K_CSEQ: return fastCSeq(i);
    // RFC 3261 §20.22: "an integer in the range 0-255"
    case K_MAX_FORWARDS: return fastNumber(i, 255);
    case K_CONTENT_LENGTH: return fastNumber(i, MAX_CONTENT_LENGTH);
    case K_CONTENT_TYPE: return fastContentType(i);
    case K_CONTACT: return fastContacts(i);
    case K_ROUTE:
    case K_RECORD_ROUTE:
    case K_PATH:
    case K_SERVICE_ROUTE: return fastNameAddrList(i);
    case K_REQUIRE:
    case K_PROXY_REQUIRE:
    case K_UNSUPPORTED:
    case K_CONTENT_ENCODING:
    case K_ALLOW_EVENTS: return fastTokenList(i, false);
    case K_SUPPORTED:
    case K_ALLOW: return fastTokenList(i, true);
    case K_EXPIRES:
    case K_MIN_EXPIRES: return fastNumber(i, MAX_U32);
    // RFC 3262 §7.1: 1 to 2**32 - 1
    case K_RSEQ: {
      const e = fastNumber(i, MAX_U32);
      return e >= 0 && scannedNumber == 0 ? BAIL : e;
    }
    case K_SESSION_EXPIRES:
    case K_MIN_SE: return fastSessionExpires(i);
    case K_REFER_TO:
    case K_REFERRED_BY: return fastSingleAddress(i);
    case K_EVENT: return fastEvent(i);
    case K_WWW_AUTHENTICATE:
    case K_PROXY_AUTHENTICATE:
    case K_AUTHORIZATION:
    case K_PROXY_AUTHORIZATION: return fastAuth(i);
    default: return BAIL;
  }
}

// ---- exports ----

/** The definition id of the header named [p, k) (any case, long or compact form), or -1. */
function headerId(p: i32, k: i32): i32 {
  const length = k - p;
  if (length > 31) return -1;
  let e = <i32>load<u8>(<usize>T_NAME_KEY + <usize>((length << 10) | (((at(p) | 0x20) & 31) << 5) | ((at(k - 1) | 0x20) & 31)));
  while (e != 0) {
    const text = <usize>T_NAME_TEXT + <usize>load<i32>(<usize>T_NAME_AT + (<usize>e << 2));
    let n = 0;
    while (n < length && (at(p + n) | 0x20) == <i32>load<u8>(text + <usize>n)) n++;
    if (n == length) return load<i32>(<usize>T_NAME_ID + (<usize>e << 2));
    e = <i32>load<u8>(<usize>T_NAME_NEXT + <usize>e);
  }
  return -1;
}

/** True for the kinds whose value `fields` leaves in SCALARS. */
function isScalar(kind: i32): bool {
  return kind == K_CALL_ID || kind == K_CSEQ || kind == K_MAX_FORWARDS || kind == K_CONTENT_LENGTH || kind == K_EXPIRES
    || kind == K_MIN_EXPIRES || kind == K_RSEQ;
}

/**
 * Read header fields from p (the start of a field's line), for as long as they take the
 * fast path, recording from entry `recAt` each one's head (F_VALUE, F_END, F_DEF, F_LEN)
 * and the record of its value. Returns where it stopped: at the empty line that ends the
 * header section, or at the start of a field the parser must read itself — a name that is
 * not a token or lacks its colon, a kind without a scanner, a value outside the fast
 * subset, a field longer than maxLineLength or ending past `length` (the message's length;
 * beyond it are the sentinel's bytes). `noContact` sends every Contact field to the parser
 * (after a "*"). Afterwards the entries recorded end at CELL_REC_LENGTH, and SCALARS holds
 * [number, start, end] per field of a scalar kind read: a CSeq's number and method, a
 * Call-ID's end, the number of the others.
 */
export function fields(p: i32, length: i32, maxLineLength: i32, recAt: i32, noContact: bool): i32 {
  recLength = recAt;
  let scalars = 0;
  for (;;) {
    if (recLength > REC_ROOM) break;
    if (at(p) == CR && at(p + 1) == LF && p + 1 < length) break;
    const k = tokenEnd(p);
    if (k == p) break;
    const id = headerId(p, k);
    const colon = skipWsp(k);
    if (at(colon) != 0x3a) break;
    const kind = <i32>load<u8>(<usize>T_KIND + <usize>(id + 1));
    if (load<u8>(<usize>T_FAST + <usize>kind) != 1 || (kind == K_CONTACT && noContact)) break;
    const scalar = isScalar(kind);
    if (scalar && scalars == MAX_SCALARS) break;
    const v = skipWsp(colon + 1);
    const head = recLength;
    recLength = head + F_HEAD;
    const e = scan(kind, v);
    // the CRLF must be the message's own (not the sentinel), the field not too long
    if (e < 0 || e + 2 > length || e + 1 - p > maxLineLength) {
      recLength = head;
      break;
    }
    recSet(head + F_VALUE, v);
    recSet(head + F_END, e);
    recSet(head + F_DEF, ((id + 1) << KIND_BITS) | kind);
    recSet(head + F_LEN, recLength - head - F_HEAD);
    if (scalar) {
      const o = <usize>SCALARS + <usize>(scalars * SCALAR_SIZE * 4);
      store<u32>(o, scannedNumber);
      store<i32>(o + 4, scannedStart);
      store<i32>(o + 8, scannedEnd);
      scalars++;
    }
    p = e + 2;
  }
  store<i32>(<usize>(CELLS + CELL_REC_LENGTH * 4), recLength);
  return p;
}

/**
 * A SIP or SIPS URI at i (a Request-URI: with parameters, without headers), recording from
 * entry `recAt`; returns the index after it, or BAIL. The entries recorded end at CELL_REC_LENGTH.
 */
export function uri(i: i32, recAt: i32): i32 {
  if (recAt > REC_ROOM) return BAIL;
  recLength = recAt;
  const e = fastSipUri(i, false);
  store<i32>(<usize>(CELLS + CELL_REC_LENGTH * 4), recLength);
  return e;
}
