// The parser's fast path, part 5: Via (see fast-scan.ts for the contract), as via.ts reads
// it, for `SIP/2.0/transport SP host [":" port]` and header params; maddr and ttl (which
// carry extra rules) and received values other than IP addresses bail to the reference.
// Recorded (format in fast-build.ts): a count, then each via-parm.

import { bail, endOfField, put, rec as records, skipWsp, tokenEnd, allDigits, digitsAt } from './fast-scan.js';
import * as codes from './fast-params.js';
import { fastParams, firstParam, paramsEnd } from './fast-params.js';
import { fastHost, fastPort, portScan } from './fast-uri.js';
import { isIpv4, isIpv6 } from './host.js';

// module-local copies of imported constants (see fast-scan.ts)
const rec = records;
const { PARAM_SIZE, P_BRANCH, P_MADDR, P_RECEIVED, P_RPORT, P_TTL } = codes;
const DQUOTE = 0x22;

/** The checks readViaParm makes on the params of the last fastParams scan. */
function checkViaParams(b: Uint8Array, s: string): void {
  const list = rec.list;
  for (let o = firstParam(), end = paramsEnd(); o < end; o += PARAM_SIZE) {
    const code = list[o]!;
    if (code === 0) continue;
    const vs = list[o + 3]!;
    const ve = list[o + 4]!;
    switch (code) {
      case P_BRANCH:
        if (vs < 0 || b[vs] === DQUOTE) bail();
        break;
      case P_RECEIVED:
        if (vs < 0 || !(isIpv4(s, vs, ve) || isIpv6(s, vs, ve))) bail();
        break;
      case P_RPORT:
        if (vs >= 0 && (ve - vs > 5 || !allDigits(b, vs, ve) || digitsAt(b, vs, ve) > 65535)) bail();
        break;
      case P_MADDR:
      case P_TTL:
        bail();
    }
  }
}

/** Index in TRANSPORTS (fast-build.ts) of the transport b[t..te) (any case, as transportOf compares), or -1. */
function transportCode(b: Uint8Array, t: number, te: number): number {
  const c0 = b[t]! & 0xdf;
  const c1 = b[t + 1]! & 0xdf;
  switch (te - t) {
    case 2: return c0 === 0x57 && c1 === 0x53 ? 4 : -1; // WS
    case 3: {
      const c2 = b[t + 2]! & 0xdf;
      if (c0 === 0x57 && c1 === 0x53 && c2 === 0x53) return 3; // WSS
      if (c0 === 0x55 && c1 === 0x44 && c2 === 0x50) return 0; // UDP
      if (c0 === 0x54 && c1 === 0x43 && c2 === 0x50) return 1; // TCP
      if (c0 === 0x54 && c1 === 0x4c && c2 === 0x53) return 2; // TLS
      return -1;
    }
    case 4: return c0 === 0x53 && c1 === 0x43 && (b[t + 2]! & 0xdf) === 0x54 && (b[t + 3]! & 0xdf) === 0x50 ? 5 : -1; // SCTP
    default: return -1;
  }
}

/** One or more comma-separated via-parms. */
export function fastVias(b: Uint8Array, s: string, i: number): number {
  const at = rec.length;
  put(0);
  for (let n = 1; ; n++) {
    // "SIP/2.0/"
    if (b[i] !== 0x53 || b[i + 1] !== 0x49 || b[i + 2] !== 0x50 || b[i + 3] !== 0x2f || b[i + 4] !== 0x32
      || b[i + 5] !== 0x2e || b[i + 6] !== 0x30 || b[i + 7] !== 0x2f) bail();
    const t = i + 8;
    const te = tokenEnd(b, t);
    if (te === t) bail();
    const h = skipWsp(b, te);
    if (h === te) bail();
    const he = fastHost(b, h);
    put(transportCode(b, t, te));
    put(t);
    put(te);
    put(h);
    put(he);
    let k = he;
    if (b[he] === 0x3a) {
      k = fastPort(b, he + 1);
      put(portScan.port);
    } else {
      if (b[skipWsp(b, he)] === 0x3a) bail(); // LWS before the ":" of the port
      put(-1);
    }
    k = fastParams(b, k);
    checkViaParams(b, s);
    rec.list[at] = n;
    const w = skipWsp(b, k);
    if (b[w] !== 0x2c) return endOfField(b, k);
    i = skipWsp(b, w + 1);
  }
}
