// Read one known header field value with the reference grammar — for a value outside the
// fast path's subset (fast-*.ts), or any value when the fast path is off. Scalars and rare
// headers are stored on the message; the objects of values the message builds lazily are
// kept for single-valued headers, while multi-valued ones are only validated here (the
// message reads those fields again with the same readers when first asked for them).

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
  MAX_CONTENT_LENGTH, MAX_U32, readAccept, readCSeq, readCallId, readContentType, readDate, readNumberValue, readRAck, readTokenList,
} from './header-values.js';
import type { MessageImpl } from './message.js';
import { checkText } from './scan.js';
import type { Contact, MediaType, ReasonValue } from './types.js';
import { readVias } from './via.js';

function grow<T>(list: readonly T[]): T[] {
  return list === EMPTY_ARRAY ? [] : (list as T[]);
}

/** Parse s[v..e) (the value of a header field defined by `def`) into `m`. */
export function readKnownHeader(m: MessageImpl, def: HeaderDef, s: string, v: number, e: number): void {
  switch (def.kind) {
    case K.VIA: readVias(s, v, e, []); return;
    case K.FROM: m.keep(K.FROM, readFromTo(s, v, e, 'From')); return;
    case K.TO: m.keep(K.TO, readFromTo(s, v, e, 'To')); return;
    case K.CALL_ID: m.callId = readCallId(s, v, e); return;
    case K.CSEQ: m.cseq = readCSeq(s, v, e, m.method); return;
    case K.MAX_FORWARDS:
      // RFC 3261 §20.22: "an integer in the range 0-255"
      m.maxForwards = readNumberValue(s, v, e, 255, 'Max-Forwards'); return;
    case K.CONTENT_LENGTH: m.contentLength = readNumberValue(s, v, e, MAX_CONTENT_LENGTH, 'Content-Length'); return;
    case K.CONTENT_TYPE: m.keep(K.CONTENT_TYPE, readContentType(s, v, e)); return;
    case K.CONTACT: {
      if (m.contactWildcard) fault('bad-header-value', 'Contact "*" cannot be combined with other Contact values', v);
      const list: Contact[] = [];
      const star = readContactValues(s, v, e, list);
      if (star && m.hasContacts) fault('bad-header-value', 'Contact "*" cannot be combined with other Contact values', v);
      m.contactWildcard = star;
      if (list.length > 0) m.hasContacts = true;
      return;
    }
    case K.ROUTE: readNameAddrList(s, v, e, 'Route', []); return;
    case K.RECORD_ROUTE: readNameAddrList(s, v, e, 'Record-Route', []); return;
    case K.PATH: readNameAddrList(s, v, e, 'Path', []); return;
    case K.SERVICE_ROUTE: readNameAddrList(s, v, e, 'Service-Route', []); return;
    case K.REQUIRE: readTokenList(s, v, e, false, 'Require option-tag', null); return;
    case K.PROXY_REQUIRE: readTokenList(s, v, e, false, 'Proxy-Require option-tag', null); return;
    case K.SUPPORTED: readTokenList(s, v, e, true, 'Supported option-tag', null); return;
    case K.UNSUPPORTED: readTokenList(s, v, e, false, 'Unsupported option-tag', null); return;
    case K.ALLOW: readTokenList(s, v, e, true, 'Allow method', null); return;
    case K.CONTENT_ENCODING: readTokenList(s, v, e, false, 'Content-Encoding', null); return;
    case K.ALLOW_EVENTS: readTokenList(s, v, e, false, 'Allow-Events', null); return;
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
    case K.WWW_AUTHENTICATE:
    case K.PROXY_AUTHENTICATE:
    case K.AUTHORIZATION:
    case K.PROXY_AUTHORIZATION: readAuthValue(s, v, e, def.canonical); return;
    case K.SESSION_EXPIRES: m.keep(K.SESSION_EXPIRES, readSessionExpires(s, v, e, 'Session-Expires')); return;
    case K.MIN_SE: m.keep(K.MIN_SE, readSessionExpires(s, v, e, 'Min-SE')); return;
    case K.REFER_TO: m.keep(K.REFER_TO, readSingleAddress(s, v, e, 'Refer-To')); return;
    case K.REFERRED_BY: m.keep(K.REFERRED_BY, readSingleAddress(s, v, e, 'Referred-By')); return;
    case K.REPLACES: m.replaces = readReplaces(s, v, e); return;
    case K.REASON: {
      const list = grow(m.reasons) as ReasonValue[];
      readReasons(s, v, e, list);
      m.reasons = list;
      return;
    }
    case K.EVENT: m.keep(K.EVENT, readEvent(s, v, e)); return;
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
