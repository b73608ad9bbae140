// The parser's fast path, part 5: Via (see fast-scan.ts for the contract), as via.ts reads
// it, for `SIP/2.0/transport SP host [":" port]` and header params; maddr and ttl (which
// carry extra rules) and received values other than IP addresses bail to the reference.
// Recorded: a count, then per via-parm [transportStart, transportEnd, hostStart, hostEnd,
// port (-1 if none)] and its params (fast-params.ts).

import { DQUOTE } from './chars.js';
import { bail, endOfField, put, rec, skipWsp, take, tokenEnd, allDigits, digitsAt } from './fast-scan.js';
import { fastParams, findParam, valueEnd, valueStart } from './fast-params.js';
import { fastHost, fastPort, portScan, takeParams } from './fast-uri.js';
import { isIpv4, isIpv6 } from './host.js';
import type { Params, Via } from './types.js';
import { transportOf } from './via.js';

const SIP_2_0 = 'SIP/2.0/';

/** The checks readViaParm makes on the params of the last fastParams scan. */
function checkViaParams(b: Uint8Array, s: string): void {
  let o = findParam(b, 'branch');
  if (o >= 0 && (valueStart(o) < 0 || b[valueStart(o)] === DQUOTE)) bail();
  o = findParam(b, 'received');
  if (o >= 0) {
    const vs = valueStart(o);
    if (vs < 0 || !(isIpv4(s, vs, valueEnd(o)) || isIpv6(s, vs, valueEnd(o)))) bail();
  }
  o = findParam(b, 'rport');
  if (o >= 0) {
    const vs = valueStart(o);
    if (vs >= 0 && (valueEnd(o) - vs > 5 || !allDigits(b, vs, valueEnd(o)) || digitsAt(b, vs, valueEnd(o)) > 65535)) bail();
  }
  if (findParam(b, 'maddr') >= 0 || findParam(b, 'ttl') >= 0) bail();
}

/** One or more comma-separated via-parms. */
export function fastVias(b: Uint8Array, s: string, i: number): number {
  const at = rec.length;
  put(0);
  for (let n = 1; ; n++) {
    for (let k = 0; k < 8; k++) if (b[i + k] !== SIP_2_0.charCodeAt(k)) bail();
    const t = i + 8;
    const te = tokenEnd(b, t);
    if (te === t) bail();
    const h = skipWsp(b, te);
    if (h === te) bail();
    const he = fastHost(b, h);
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

/** Read back the recorded Via values of one field into `out`. */
export function buildVias(s: string, out: Via[]): void {
  for (let n = take(); n > 0; n--) {
    const t = take();
    const te = take();
    const h = take();
    const he = take();
    const port = take();
    const params = takeParams(s) as Params;
    let branch: string | undefined;
    let received: string | undefined;
    let rport: number | true | undefined;
    if (params.size > 0) {
      branch = params.get('branch') ?? undefined;
      received = params.get('received') ?? undefined;
      const rp = params.get('rport');
      if (rp !== undefined) rport = rp === null ? true : Number(rp);
    }
    out.push({
      protocol: 'SIP/2.0', transport: transportOf(s, t, te), host: s.slice(h, he), port: port < 0 ? undefined : port,
      params, branch, received, rport, maddr: undefined, ttl: undefined,
    });
  }
}
