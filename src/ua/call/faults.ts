// Deliberate protocol faults, for engineers testing their proxies and SBCs:
// each one makes a call break one rule of RFC 3261 / RFC 3262 (or, for the
// post-dial delay, merely take its time) so that the element under test, and
// Callscope's own diagnostics, can be watched reacting to it. All are off by
// default; the call classes test for them in one branch each, marked
// `FAULT <name>`. FAULTS below says what each one does, which rule it breaks,
// and which finding the diagnostics should name for it.
import { formatUri, parseMessage, parseUri } from '../../message/index.js';
import type { SipRequest, SipResponse } from '../../message/index.js';
import type { FindingCode } from '../../trace/finding-codes.js';
import type { SipEndpoint } from '../core/endpoint.js';

export interface CallFaults {
  /** Caller: never send the ACK for a 2xx (it is built, so BYE still works). */
  readonly dropAck?: boolean;
  /** Caller: never PRACK a reliable provisional response, though the INVITE says Supported: 100rel. */
  readonly noPrack?: boolean;
  /** Caller: the ACK for a 2xx carries the INVITE's CSeq number plus one. */
  readonly badAckCseq?: boolean;
  /** Caller: CANCEL right after the INVITE, before any provisional response. */
  readonly cancelEarly?: boolean;
  /** Caller: hang up an answered call with CANCEL first (then BYE). */
  readonly cancelLate?: boolean;
  /** Caller: ignore the 2xx's Record-Route: ACK and BYE go without Route, straight to the Contact. */
  readonly wrongRouteSet?: boolean;
  /** Caller: answer challenges that refused our credentials again, up to this many retries in all (RFC behaviour: 1). */
  readonly authRetries?: number;
  /** Callee: 18x with SDP sent unreliably even when the caller supports (or requires) 100rel. */
  readonly unreliableEarlyMedia?: boolean;
  /** Callee: its own 100 Trying at once, carrying its To tag. */
  readonly tryingToTag?: boolean;
  /** Callee: BYE right after its 2xx, without waiting for the ACK. */
  readonly byeBeforeAck?: boolean;
  /** Callee: act as if no ACK ever arrived: retransmit the 2xx, then BYE after 64·T1. */
  readonly ignoreAck?: boolean;
  /** Callee: answer PRACKs 200 but act as if none arrived: retransmit the reliable 18x, then 504 after 64·T1. */
  readonly ignorePrack?: boolean;
  /** Callee: the second reliable provisional skips one RSeq. */
  readonly rseqGap?: boolean;
  /** Either side: this host in our Contact (and no `ob`), e.g. 10.0.0.7, 192.168.1.20, ua.invalid. */
  readonly privateContact?: string;
  /** Callee: wait this many ms before the first provisional response (a delay, not a violation). */
  readonly postDialDelayMs?: number;
}

export type FaultName = keyof CallFaults;

export interface FaultDescription {
  readonly name: FaultName;
  /** The `callscope call` / `listen` option. */
  readonly flag: string;
  /** The option's value, when it takes one. */
  readonly value?: 'N' | 'S' | 'HOST';
  readonly side: 'caller' | 'callee' | 'both';
  /** The rule it breaks (or, for a mere delay, where it is measured). */
  readonly rfc: string;
  /** True for a fault that breaks no rule (a slow callee). */
  readonly delayOnly?: true;
  /** What the call does, in one line. */
  readonly does: string;
  /** The findings Callscope names for it (the first is the one it is for). */
  readonly shows: readonly FindingCode[];
}

export const FAULTS: readonly FaultDescription[] = [
  {
    name: 'dropAck', flag: '--drop-ack', side: 'caller', rfc: 'RFC 3261 §13.2.2.4',
    does: 'never send the ACK for a 2xx: the callee retransmits it, then BYEs after 64·T1',
    shows: ['missing-ack'],
  },
  {
    name: 'noPrack', flag: '--no-prack', side: 'caller', rfc: 'RFC 3262 §4',
    does: 'offer 100rel but never PRACK: reliable 18x are retransmitted, the callee gives up (5xx) after 64·T1',
    shows: ['missing-prack'],
  },
  {
    name: 'badAckCseq', flag: '--bad-ack-cseq', side: 'caller', rfc: 'RFC 3261 §13.2.2.4',
    does: 'ACK the 2xx with the INVITE\'s CSeq number plus one',
    shows: ['ack-cseq-mismatch'],
  },
  {
    name: 'cancelEarly', flag: '--cancel-early', side: 'caller', rfc: 'RFC 3261 §9.1',
    does: 'CANCEL right after the INVITE, before any provisional response',
    shows: ['cancel-before-provisional'],
  },
  {
    name: 'cancelLate', flag: '--cancel-late', side: 'caller', rfc: 'RFC 3261 §9.1, §15',
    does: 'hang up an answered call with CANCEL (no effect), then BYE',
    shows: ['cancel-after-final'],
  },
  {
    name: 'wrongRouteSet', flag: '--wrong-route-set', side: 'caller', rfc: 'RFC 3261 §12.1.2, §12.2.1.1',
    does: 'ignore the 2xx\'s Record-Route: ACK and BYE carry no Route and bypass the proxies',
    shows: ['route-set-mismatch'],
  },
  {
    name: 'authRetries', flag: '--auth-retries', value: 'N', side: 'caller', rfc: 'RFC 3261 §22.2, §22.3',
    does: 'answer challenges that refused our credentials again, up to N retries (RFC behaviour: 1)',
    shows: ['auth-loop'],
  },
  {
    name: 'unreliableEarlyMedia', flag: '--unreliable-early-media', side: 'callee', rfc: 'RFC 3262 §3',
    does: 'early media (183 + SDP) without 100rel, even when the caller supports or requires it',
    shows: ['unreliable-early-media'],
  },
  {
    name: 'tryingToTag', flag: '--trying-to-tag', side: 'callee', rfc: 'RFC 3261 §8.2.6.2',
    does: 'send our own 100 Trying at once, with our To tag',
    shows: ['trying-with-to-tag'],
  },
  {
    name: 'byeBeforeAck', flag: '--bye-before-ack', side: 'callee', rfc: 'RFC 3261 §15',
    does: 'send BYE right after the 2xx, without waiting for the ACK',
    shows: ['bye-before-ack'],
  },
  {
    name: 'ignoreAck', flag: '--ignore-ack', side: 'callee', rfc: 'RFC 3261 §13.3.1.4',
    does: 'act as if the ACK never arrived: retransmit the 2xx (T1, 2·T1, ... T2), then BYE after 64·T1, as when the ACK is lost on the way',
    shows: ['missing-ack'],
  },
  {
    name: 'ignorePrack', flag: '--ignore-prack', side: 'callee', rfc: 'RFC 3262 §3',
    does: 'answer each PRACK 200 but act as if none arrived: retransmit the reliable 18x, then 504 after 64·T1',
    shows: ['missing-prack'],
  },
  {
    name: 'rseqGap', flag: '--rseq-gap', side: 'callee', rfc: 'RFC 3262 §3',
    does: 'ring reliably, then early media whose RSeq skips one (the caller must not PRACK it)',
    shows: ['rseq-violation', 'missing-prack'],
  },
  {
    name: 'privateContact', flag: '--private-contact', value: 'HOST', side: 'both', rfc: 'RFC 3261 §8.1.1.8, RFC 5626',
    does: 'advertise HOST (e.g. 10.0.0.7, a.invalid) in our Contact, without ob: the far side\'s in-dialog requests go there',
    shows: ['unroutable-contact'],
  },
  {
    name: 'postDialDelayMs', flag: '--post-dial-delay', value: 'S', side: 'callee', rfc: 'RFC 6076 §4.2', delayOnly: true,
    does: 'wait S seconds before the first provisional response (a slow callee, not a violation)',
    shows: ['post-dial-delay'],
  },
];

/** The faults that are on, by flag, for a line in a report ("--drop-ack, --post-dial-delay 6"). */
export function describeFaults(faults: CallFaults | undefined): string[] {
  if (!faults) return [];
  return FAULTS.flatMap((f) => {
    const value = faults[f.name];
    if (value === undefined || value === false) return [];
    if (f.value === undefined) return [f.flag];
    return [`${f.flag} ${f.name === 'postDialDelayMs' ? Number(value) / 1000 : String(value)}`];
  });
}

/** FAULT private-contact: our Contact URI with its host replaced and `ob` removed. */
export function faultyContact(contact: string, faults: CallFaults | undefined): string {
  const host = faults?.privateContact;
  if (host === undefined) return contact;
  const parsed = parseUri(contact);
  if (!parsed.ok || !('host' in parsed.value)) return contact;
  const params = new Map([...parsed.value.params].filter(([name]) => name !== 'ob'));
  const hostKind = /^\[.*\]$/.test(host) ? 'ipv6' : /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? 'ipv4' : 'domain';
  return formatUri({ ...parsed.value, host, hostKind, params });
}

/** FAULT wrong-route-set: the 2xx as if it had no Record-Route (the route set built from it is empty). */
export function withoutRecordRoute(response: SipResponse): SipResponse {
  if (response.recordRoutes.length === 0) return response;
  const text = response.toString();
  const split = text.indexOf('\r\n\r\n');
  const head = text.slice(0, split).split('\r\n');
  const kept: string[] = [];
  let dropping = false;
  for (const line of head) {
    // A folded continuation line belongs to the header before it.
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = /^Record-Route\s*:/i.test(line);
    if (!dropping) kept.push(line);
  }
  const reparsed = parseMessage(`${kept.join('\r\n')}${text.slice(split)}`);
  return reparsed.ok && reparsed.value.kind === 'response' ? reparsed.value : response;
}

/**
 * FAULT trying-to-tag: a 100 Trying to `invite` carrying our To tag. The
 * message layer never tags a 100 (§8.2.6.1), so the tag is written in here.
 */
export function tryingWithToTag(endpoint: SipEndpoint, invite: SipRequest, toTag: string): SipResponse {
  const built = endpoint.response(invite, 100);
  if (!built.ok) throw new Error(`cannot build the 100 Trying: ${built.error.message}`);
  const tagged = built.value.toString().replace(/^(To|t)([ \t]*:.*?)\r\n/im, `$1$2;tag=${toTag}\r\n`);
  const reparsed = parseMessage(tagged);
  if (!reparsed.ok || reparsed.value.kind !== 'response') throw new Error('cannot tag the 100 Trying');
  return reparsed.value;
}
