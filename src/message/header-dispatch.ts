// Parse one known header field value into the message's typed fields.

import { readAuthValue } from './auth.js';
import { EMPTY_ARRAY } from './empty.js';
import { fault } from './errors.js';
import {
  readContactValues, readFromTo, readNameAddrList, readSingleAddress,
} from './address-headers.js';
import { readEvent, readContentDisposition, readReasons, readReplaces, readSessionExpires } from './header-extensions.js';
import { K } from './header-names.js';
import type { HeaderDef } from './header-names.js';
import {
  MAX_U32, readAccept, readCSeq, readCallId, readContentType, readDate, readNumberValue, readRAck, readTokenList,
} from './header-values.js';
import type { MessageImpl } from './message.js';
import { checkText } from './scan.js';
import type { MediaType, Via } from './types.js';
import { readVias } from './via.js';

/** Largest Content-Length accepted before framing checks (they compare with the real size). */
const MAX_CONTENT_LENGTH = 0x7fffffff;

function grow<T>(list: readonly T[]): T[] {
  return list === EMPTY_ARRAY ? [] : (list as T[]);
}

/** Validate a token-list header now; the message splits it into strings on first access. */
function listHeader(m: MessageImpl, kind: number, s: string, v: number, e: number, allowEmpty: boolean, what: string): void {
  readTokenList(s, v, e, allowEmpty, what, null);
  if (m.listRanges.length === 0) m.listRanges = [];
  m.listRanges.push(kind, v, e);
}

/** Parse s[v..e) (the value of a header field defined by `def`) into `m`. */
export function readKnownHeader(m: MessageImpl, def: HeaderDef, s: string, v: number, e: number): void {
  switch (def.kind) {
    case K.VIA: {
      const list = m.via.length === 0 ? [] as Via[] : m.via;
      readVias(s, v, e, list);
      m.via = list;
      return;
    }
    case K.FROM: m.from = readFromTo(s, v, e, 'From'); return;
    case K.TO: m.to = readFromTo(s, v, e, 'To'); return;
    case K.CALL_ID: m.callId = readCallId(s, v, e); return;
    case K.CSEQ: m.cseq = readCSeq(s, v, e, m.method); return;
    case K.MAX_FORWARDS:
      // RFC 3261 §20.22: "an integer in the range 0-255"
      m.maxForwards = readNumberValue(s, v, e, 255, 'Max-Forwards'); return;
    case K.CONTENT_LENGTH: m.contentLength = readNumberValue(s, v, e, MAX_CONTENT_LENGTH, 'Content-Length'); return;
    case K.CONTENT_TYPE: m.contentType = readContentType(s, v, e); return;
    case K.CONTACT: {
      if (m.contactWildcard) fault('bad-header-value', 'Contact "*" cannot be combined with other Contact values', v);
      const list = grow(m.contacts);
      const star = readContactValues(s, v, e, list);
      if (star && list.length > 0) fault('bad-header-value', 'Contact "*" cannot be combined with other Contact values', v);
      m.contactWildcard = star;
      m.contacts = list;
      return;
    }
    case K.ROUTE: m.routes = readNameAddrList(s, v, e, 'Route', grow(m.routes)); return;
    case K.RECORD_ROUTE: m.recordRoutes = readNameAddrList(s, v, e, 'Record-Route', grow(m.recordRoutes)); return;
    case K.PATH: m.paths = readNameAddrList(s, v, e, 'Path', grow(m.paths)); return;
    case K.SERVICE_ROUTE: m.serviceRoutes = readNameAddrList(s, v, e, 'Service-Route', grow(m.serviceRoutes)); return;
    case K.REQUIRE: listHeader(m, K.REQUIRE, s, v, e, false, 'Require option-tag'); return;
    case K.PROXY_REQUIRE: listHeader(m, K.PROXY_REQUIRE, s, v, e, false, 'Proxy-Require option-tag'); return;
    case K.SUPPORTED: listHeader(m, K.SUPPORTED, s, v, e, true, 'Supported option-tag'); return;
    case K.UNSUPPORTED: listHeader(m, K.UNSUPPORTED, s, v, e, false, 'Unsupported option-tag'); return;
    case K.ALLOW: listHeader(m, K.ALLOW, s, v, e, true, 'Allow method'); return;
    case K.CONTENT_ENCODING: listHeader(m, K.CONTENT_ENCODING, s, v, e, false, 'Content-Encoding'); return;
    case K.ALLOW_EVENTS: listHeader(m, K.ALLOW_EVENTS, s, v, e, false, 'Allow-Events'); return;
    case K.EXPIRES: m.expires = readNumberValue(s, v, e, MAX_U32, 'Expires'); return;
    case K.MIN_EXPIRES: m.minExpires = readNumberValue(s, v, e, MAX_U32, 'Min-Expires'); return;
    case K.RSEQ: {
      // RFC 3262 §7.1: response-num = 1*DIGIT, 1 to 2**32 - 1
      const n = readNumberValue(s, v, e, MAX_U32, 'RSeq');
      if (n === 0) fault('bad-header-value', 'RSeq must be between 1 and 2**32-1', v);
      m.rseq = n;
      return;
    }
    case K.RACK: m.rack = readRAck(s, v, e); return;
    case K.WWW_AUTHENTICATE: (m.wwwAuthenticate = grow(m.wwwAuthenticate)).push(readAuthValue(s, v, e, 'WWW-Authenticate')); return;
    case K.PROXY_AUTHENTICATE: (m.proxyAuthenticate = grow(m.proxyAuthenticate)).push(readAuthValue(s, v, e, 'Proxy-Authenticate')); return;
    case K.AUTHORIZATION: (m.authorization = grow(m.authorization)).push(readAuthValue(s, v, e, 'Authorization')); return;
    case K.PROXY_AUTHORIZATION: (m.proxyAuthorization = grow(m.proxyAuthorization)).push(readAuthValue(s, v, e, 'Proxy-Authorization')); return;
    case K.SESSION_EXPIRES: m.sessionExpires = readSessionExpires(s, v, e, 'Session-Expires'); return;
    case K.MIN_SE: m.minSe = readSessionExpires(s, v, e, 'Min-SE'); return;
    case K.REFER_TO: m.referTo = readSingleAddress(s, v, e, 'Refer-To'); return;
    case K.REFERRED_BY: m.referredBy = readSingleAddress(s, v, e, 'Referred-By'); return;
    case K.REPLACES: m.replaces = readReplaces(s, v, e); return;
    case K.REASON: {
      const list = grow(m.reasons);
      readReasons(s, v, e, list);
      m.reasons = list;
      return;
    }
    case K.EVENT: m.event = readEvent(s, v, e); return;
    case K.ACCEPT: {
      const list = (m.accept ?? []) as MediaType[];
      readAccept(s, v, e, list);
      m.accept = list;
      return;
    }
    case K.DATE: m.date = readDate(s, v, e); return;
    case K.CONTENT_DISPOSITION: m.contentDisposition = readContentDisposition(s, v, e); return;
    default: checkText(s, v, e);
  }
}
