// Header values from SIP extensions a softphone relies on: Session-Expires / Min-SE
// (RFC 4028), Replaces (RFC 3891), Reason (RFC 3326), Event (RFC 6665) and
// Content-Disposition (RFC 3261 §20.11).

import { fault, excerpt } from './errors.js';
import { readCallIdWord } from './call-id.js';
import { paramText, pos, readParams } from './params.js';
import { expectEnd, expectNumber, expectToken, scanDigits, tryComma } from './scan.js';
import { MAX_U32 } from './header-values.js';
import { numberParam } from './via.js';
import type { ContentDisposition, EventValue, ReasonValue, Replaces, SessionExpires } from './types.js';

const BAD = 'bad-header-value';

/** Session-Expires = delta-seconds *(SEMI se-params); se-params = refresher-param / generic-param */
export function readSessionExpires(s: string, i: number, end: number, what: string): SessionExpires {
  const seconds = expectNumber(s, i, end, MAX_U32, what);
  const params = readParams(s, scanDigits(s, i, end), end);
  expectEnd(s, pos.end, end, what);
  const r = params.get('refresher');
  if (r !== undefined && r !== 'uac' && r !== 'uas') fault(BAD, `${what} refresher must be "uac" or "uas"`, i);
  return { seconds, refresher: r ?? undefined, params };
}

/** Replaces = callid *(SEMI replaces-param); to-tag and from-tag are mandatory (RFC 3891 §6.1). */
export function readReplaces(s: string, i: number, end: number): Replaces {
  const callEnd = readCallIdWord(s, i, end);
  const params = readParams(s, callEnd, end);
  expectEnd(s, pos.end, end, 'Replaces');
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  if (toTag == null || fromTag == null) fault(BAD, 'Replaces needs both to-tag and from-tag parameters', i);
  const early = params.get('early-only');
  if (early !== undefined && early !== null) fault(BAD, 'Replaces early-only takes no value', i);
  return { callId: s.slice(i, callEnd), toTag: paramText(toTag), fromTag: paramText(fromTag), earlyOnly: early === null, params };
}

/** Reason = reason-value *(COMMA reason-value); reason-value = protocol *(SEMI reason-params) */
export function readReasons(s: string, i: number, end: number, out: ReasonValue[]): void {
  for (;;) {
    const pe = expectToken(s, i, end, 'Reason protocol');
    const params = readParams(s, pe, end);
    const cause = params.get('cause');
    const text = params.get('text');
    if (text === null || (text !== undefined && text.charCodeAt(0) !== 0x22)) fault(BAD, 'Reason text must be a quoted-string', i);
    out.push({
      protocol: s.slice(i, pe),
      cause: cause === undefined ? undefined : numberParam(cause, MAX_U32, 'Reason cause', i),
      text: text === undefined ? undefined : paramText(text),
      params,
    });
    const c = tryComma(s, pos.end, end);
    if (c < 0) break;
    i = c;
  }
  expectEnd(s, pos.end, end, 'Reason');
}

/** Event = event-type *( SEMI event-param ); event-type is a token (dots included). */
export function readEvent(s: string, i: number, end: number): EventValue {
  const te = expectToken(s, i, end, 'event type');
  const params = readParams(s, te, end);
  expectEnd(s, pos.end, end, 'Event');
  const id = params.get('id');
  if (id === null) fault(BAD, 'Event id parameter needs a value', i);
  return { type: s.slice(i, te), id: id === undefined ? undefined : paramText(id), params };
}

/** Content-Disposition = disp-type *( SEMI disp-param ) */
export function readContentDisposition(s: string, i: number, end: number): ContentDisposition {
  const te = expectToken(s, i, end, 'disposition type');
  const params = readParams(s, te, end);
  expectEnd(s, pos.end, end, 'Content-Disposition');
  return { type: s.slice(i, te).toLowerCase(), params };
}

export function unexpected(s: string, k: number, what: string): never {
  return fault(BAD, `unexpected ${excerpt(s, k)} in ${what}`, k);
}
