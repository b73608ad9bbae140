// Header fields whose values are addresses: From / To (RFC 3261 §20.20, §20.39), Contact
// (§20.10, RFC 5626), Route / Record-Route / Path / Service-Route (name-addr only),
// Refer-To (RFC 3515) and Referred-By (RFC 3892).

import { fault, excerpt } from './errors.js';
import { addr, addressSite, readAddress } from './name-addr.js';
import type { AddressSite } from './name-addr.js';
import { paramText, pos, readParams } from './params.js';
import { expectEnd, skipLws, tryComma } from './scan.js';
import type { Contact, NameAddr, Params, TaggedAddress } from './types.js';
import { numberParam } from './via.js';

const BAD = 'bad-header-value';

const SITES = new Map<string, AddressSite>();
/** The (cached) site for a header name: built once per header kind, not per parse. */
function siteOf(what: string): AddressSite {
  let site = SITES.get(what);
  if (!site) SITES.set(what, (site = addressSite(what)));
  return site;
}
const CONTACT = addressSite('Contact');

/** From / To = ( name-addr / addr-spec ) *( SEMI from-param ); tag = "tag" EQUAL token */
export function readFromTo(s: string, i: number, end: number, what: string): TaggedAddress {
  readAddress(s, i, end, true, siteOf(what));
  const { displayName, uri } = addr;
  const params = readParams(s, addr.end, end);
  expectEnd(s, pos.end, end, what);
  let tag: string | undefined;
  if (params.size > 0) {
    const t = params.get('tag');
    if (t === null || (t !== undefined && t.charCodeAt(0) === 0x22)) fault(BAD, `${what} tag must be a token`, i);
    tag = t;
  }
  return { displayName, uri, params, tag };
}

/** Refer-To / Referred-By: one address with parameters. */
export function readSingleAddress(s: string, i: number, end: number, what: string): NameAddr {
  readAddress(s, i, end, true, siteOf(what));
  const { displayName, uri } = addr;
  const params = readParams(s, addr.end, end);
  expectEnd(s, pos.end, end, what);
  return { displayName, uri, params };
}

/** rec-route / route / path = name-addr *( SEMI rr-param ), comma-separated. */
export function readNameAddrList(s: string, i: number, end: number, what: string, out: NameAddr[]): NameAddr[] {
  for (;;) {
    readAddress(s, i, end, false, siteOf(what));
    const { displayName, uri } = addr;
    const params = readParams(s, addr.end, end);
    out.push({ displayName, uri, params });
    const c = tryComma(s, pos.end, end);
    if (c < 0) break;
    i = c;
  }
  expectEnd(s, pos.end, end, what);
  return out;
}

/**
 * Contact = ( STAR / (contact-param *(COMMA contact-param)) ); returns true for STAR.
 * contact-params: c-p-q = "q" EQUAL qvalue; c-p-expires = "expires" EQUAL delta-seconds.
 */
export function readContactValues(s: string, i: number, end: number, out: Contact[]): boolean {
  if (s.charCodeAt(i) === 0x2a) {
    const k = skipLws(s, i + 1, end);
    if (k >= end) return true;
    if (s.charCodeAt(k) !== 0x2c && s.charCodeAt(k) !== 0x3b) fault(BAD, `unexpected ${excerpt(s, k)} after Contact "*"`, k);
  }
  for (;;) {
    readAddress(s, i, end, true, CONTACT);
    const { displayName, uri } = addr;
    const params = readParams(s, addr.end, end);
    out.push(contactOf(displayName, uri, params, i));
    const c = tryComma(s, pos.end, end);
    if (c < 0) break;
    i = c;
  }
  expectEnd(s, pos.end, end, 'Contact');
  return false;
}

function contactOf(displayName: string | undefined, uri: NameAddr['uri'], params: Params, at: number): Contact {
  let expires: number | undefined;
  let q: number | undefined;
  let instance: string | undefined;
  let regId: number | undefined;
  if (params.size > 0) {
    const e = params.get('expires');
    // RFC 3261 §20.19 / §25: delta-seconds, a 32-bit unsigned value
    if (e !== undefined) expires = numberParam(e, 0xffffffff, 'Contact expires', at);
    const qv = params.get('q');
    if (qv !== undefined) {
      // qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
      if (qv === null || !/^(0(\.[0-9]{0,3})?|1(\.0{0,3})?)$/.test(qv)) fault(BAD, 'Contact q must be a qvalue between 0 and 1 with at most 3 decimals', at);
      q = Number(qv);
    }
    const inst = params.get('+sip.instance');
    if (inst !== undefined) {
      // RFC 5626 §4.1: +sip.instance = DQUOTE "<" instance-val ">" DQUOTE
      if (inst === null || inst.charCodeAt(0) !== 0x22) fault(BAD, 'Contact +sip.instance must be a quoted-string', at);
      instance = paramText(inst);
    }
    const r = params.get('reg-id');
    // RFC 5626 §4.1: reg-id = 1*DIGIT, 1 to 2**31-1
    if (r !== undefined) regId = numberParam(r, 0x7fffffff, 'Contact reg-id', at);
  }
  const ob = 'params' in uri && (uri.scheme === 'sip' || uri.scheme === 'sips') && uri.params.has('ob');
  return { displayName, uri, params, expires, q, instance, regId, ob };
}
