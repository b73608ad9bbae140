// Where in-dialog requests go: unroutable-contact and route-set-mismatch (RFC 3261 §12).
import type { Contact, SipMessage, Via } from '../../message/index.js';
import { isIP } from 'node:net';
import type { DialogModel } from '../model-types.js';
import { nameAddrText, uriHost, uriText } from '../uri-text.js';
import { hopOf, senderOf, type DetectedFinding, type FindingContext, type ParsedMessage } from './finding-context.js';

export function routingFindings(ctx: FindingContext): DetectedFinding[] {
  return [...unroutableContact(ctx), ...routeSetMismatch(ctx)];
}

function ipv4Number(ip: string): number {
  let n = 0;
  let part = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      n = (n * 256) + part;
      part = 0;
    } else {
      part = part * 10 + (c - 0x30);
    }
  }
  return n * 256 + part;
}

function ipv4InRange(ip: number, base: number, bits: number): boolean {
  const size = 2 ** (32 - bits);
  return Math.floor(ip / size) === Math.floor(base / size);
}

/** RFC 1918, RFC 6598, loopback and link-local ranges, as numbers. */
const RANGES: ReadonlyArray<readonly [number, number, string]> = [
  [ipv4Number('127.0.0.0'), 8, 'a loopback address'],
  [ipv4Number('10.0.0.0'), 8, 'a private address (RFC 1918)'],
  [ipv4Number('172.16.0.0'), 12, 'a private address (RFC 1918)'],
  [ipv4Number('192.168.0.0'), 16, 'a private address (RFC 1918)'],
  [ipv4Number('100.64.0.0'), 10, 'a shared carrier-grade NAT address (RFC 6598)'],
  [ipv4Number('169.254.0.0'), 16, 'a link-local address'],
];

/** Why a host cannot be reached from outside its own network, or undefined when it can. */
export function unreachableKind(host: string): string | undefined {
  const h = host.toLowerCase();
  if (h.endsWith('.invalid') || h === 'invalid') return 'a .invalid domain (RFC 7118 §5: WebSocket clients have no reachable address)';
  if (h === 'localhost') return 'localhost';
  if (isIP(h) === 4) {
    const ip = ipv4Number(h);
    return RANGES.find(([base, bits]) => ipv4InRange(ip, base, bits))?.[2];
  }
  if (isIP(h) === 6) {
    if (h === '::1') return 'a loopback address';
    if (/^f[cd]/.test(h)) return 'a unique local address (RFC 4193)';
    if (/^fe[89ab]/.test(h)) return 'a link-local address';
  }
  return undefined;
}

function packetHost(m: ParsedMessage): string | undefined {
  return m.src?.address.toLowerCase().replace(/^\[|\]$/g, '');
}

/**
 * What shows that the Contact's host is not where its user agent is: a
 * .invalid name, the user agent's own copy of the message sent from another
 * address, or a first proxy that saw the request come from another address
 * (`received` on the user agent's Via). A Record-Route helps only when none
 * of these holds: a proxy that got the message straight from that host can
 * reach it; one that got it through a NAT cannot, and relays the in-dialog
 * requests to the Contact all the same.
 */
function notThere(host: string, own: ParsedMessage | undefined, senderVia: Via | undefined): string | undefined {
  if (host.endsWith('.invalid') || host === 'invalid') return 'no host of that name exists';
  const from = own ? packetHost(own) : undefined;
  if (from !== undefined && from !== host) return `its sender sent it from ${from}`;
  const received = senderVia?.received?.toLowerCase().replace(/^\[|\]$/g, '');
  if (received !== undefined && received !== host) return `the first proxy saw it come from ${received} (Via received=)`;
  return undefined;
}

interface ContactCopies {
  /** The copy that arrived last, nearest the other user agent. */
  readonly judged: ParsedMessage;
  /** The copy as its user agent sent it, when the trace has it with its source address. */
  readonly own?: ParsedMessage;
  /** The user agent's own Via (the bottom one), as a proxy stamped it. */
  readonly senderVia?: Via;
}

/** The sip/sips URI's port, or the default of its scheme and transport. */
function uriPort(contact: Contact): number | undefined {
  const uri = contact.uri as { scheme: string; port?: number; params?: ReadonlyMap<string, string | null> };
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return undefined;
  if (uri.port !== undefined) return uri.port;
  const transport = uri.params?.get('transport')?.toLowerCase();
  if (transport === 'ws') return 80;
  if (transport === 'wss') return 443;
  return uri.scheme === 'sips' || transport === 'tls' ? 5061 : 5060;
}

/**
 * RFC 7118 §5: a WebSocket client's Contact need not be reachable, because whoever holds its
 * connection sends to it over that connection. When the other user agent *is* that holder
 * (the client is connected straight to it: its Contact is the address at the far end of the
 * connection the message travelled on), in-dialog requests reach the client without any
 * Record-Route.
 */
function heldByTheOtherSide(copy: ParsedMessage | undefined, end: 'src' | 'dst', otherContact: Contact | undefined): boolean {
  if (copy === undefined || otherContact === undefined || !/^wss?$/i.test(copy.transport)) return false;
  const at = copy[end];
  const host = uriHost(otherContact.uri);
  if (at === undefined || host === undefined) return false;
  return at.address.toLowerCase().replace(/^\[|\]$/g, '') === host && at.port === uriPort(otherContact);
}

function judgeContact(ctx: FindingContext, copies: ContactCopies, contact: Contact, recordRouted: boolean, whose: string,
  dialog: DialogModel): DetectedFinding | undefined {
  // Reachable through a record-routing proxy after all: a flow (RFC 5626 `ob`) or the proxy's
  // alias of the address it got the request from (Kamailio's add_contact_alias, a URI
  // parameter). Both only help when that proxy stays on the path (RFC 5626 §5.3).
  const flowOrAlias = contact.ob || contact.params.has('alias') || ('params' in contact.uri && contact.uri.params.has('alias'));
  if (flowOrAlias && recordRouted) return undefined;
  const host = uriHost(contact.uri);
  if (host === undefined) return undefined;
  const kind = unreachableKind(host);
  if (!kind) return undefined;
  const m = copies.judged;
  const evidence = notThere(host, copies.own, copies.senderVia);
  const from = packetHost(m);
  // Without Record-Route, the other user agent sends straight to the Contact: it is
  // unroutable as soon as the message came from elsewhere (relayed or NATed).
  const relayed = from !== undefined && from !== host;
  if (recordRouted ? evidence === undefined : evidence === undefined && !relayed) return undefined;
  const why = recordRouted
    ? `; ${evidence}, and the Record-Route does not help: the proxy relays in-dialog requests (the ACK for the 2xx, BYE, re-INVITE) `
      + 'to that Contact, which it cannot reach without aliasing (alias, RFC 5626 ob) or a Contact fixed for the NAT.'
    : `${relayed ? `, but the message came from ${from}` : ''}${evidence ? ` (${evidence})` : ''}, and the dialog has no Record-Route: `
      + 'in-dialog requests (the ACK for the 2xx, BYE, re-INVITE) go straight to that Contact and cannot reach it.';
  return ctx.finding('unroutable-contact', 'error', [...new Set([m.index, ...(copies.own ? [copies.own.index] : [])])],
    `The ${whose} Contact ${uriText(contact.uri)} in the ${m.startLine.replace(/ SIP\/2\.0$/, '')} on ${hopOf(m)} is ${kind}${why}`,
    `${dialog.id}|${whose}`);
}

function unroutableContact(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const dialog of ctx.call.dialogs) {
    if (dialog.confirmedBy === undefined) continue;
    const ok = ctx.all[dialog.confirmedBy]! as ParsedMessage;
    const recordRouted = ok.sip.recordRoutes.length > 0;
    // The caller's Contact, as the callee got it: the INVITE copy with the most Vias.
    const invites = ctx.requests.filter((m) => m.sip.method === 'INVITE' && m.sip.to.tag === undefined
      && m.sip.from.tag === dialog.callerTag && !m.retransmission);
    const nearestCallee = [...invites].sort((a, b) => b.sip.via.length - a.sip.via.length)[0];
    // The callee's Contact, as the caller got it: the 2xx copies that arrived last (nearest the caller).
    const oks = ctx.responses.filter((m) => m.sip.cseq.method === 'INVITE' && m.sip.status >= 200 && m.sip.status < 300
      && m.sip.to.tag === dialog.calleeTag && !m.retransmission);
    const nearestCaller = [...oks].sort((a, b) => a.sip.via.length - b.sip.via.length)[0];
    const calleeContact = nearestCaller?.sip.contacts[0];
    const callerContact = nearestCallee?.sip.contacts[0];
    // The INVITE as the caller sent it (one Via) went straight to the callee over the caller's WebSocket: the callee holds that connection.
    const callerHeldByCallee = heldByTheOtherSide(invites.find((m) => m.sip.via.length === 1), 'dst', calleeContact);
    // A 2xx with one Via answers an INVITE that came straight from the caller: over the callee's WebSocket, the caller holds it.
    const calleeHeldByCaller = heldByTheOtherSide(oks.find((m) => m.sip.via.length === 1), 'dst', callerContact);
    if (nearestCaller && calleeContact && !calleeHeldByCaller) {
      // The callee's own copy: the one with every Via of the INVITE it answered, back from where that INVITE went.
      const deepest = nearestCallee?.sip.via.length ?? 0;
      const own = oks.find((m) => m.src !== undefined && m.sip.via.length === deepest && (deepest > 1 || !recordRouted)
        && nearestCallee?.dst !== undefined && sameEndpoint(m.src, nearestCallee.dst));
      const f = judgeContact(ctx, { judged: nearestCaller, ...(own ? { own } : {}) }, calleeContact, recordRouted, 'callee\'s', dialog);
      if (f) out.push(f);
    }
    if (nearestCallee && callerContact && !callerHeldByCallee) {
      const own = invites.find((m) => m.sip.via.length === 1 && m.src !== undefined);
      // The caller's Via as the first proxy stamped it: the bottom Via of a relayed copy, or of a response.
      const stamped = [...invites.filter((m) => m.sip.via.length > 1), ...ctx.responses.filter((m) => m.sip.cseq.method === 'INVITE'
        && m.sip.from.tag === dialog.callerTag)].map((m) => m.sip.via[m.sip.via.length - 1]!).find((v) => v.received !== undefined);
      const f = judgeContact(ctx, { judged: nearestCallee, ...(own ? { own } : {}), ...(stamped ? { senderVia: stamped } : {}) },
        callerContact, recordRouted, 'caller\'s', dialog);
      if (f) out.push(f);
    }
  }
  return out;
}

function sameEndpoint(a: { address: string; port: number }, b: { address: string; port: number }): boolean {
  return a.address === b.address && a.port === b.port;
}

function routesOf(sip: SipMessage): string[] {
  return sip.routes.map(nameAddrText);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x.toLowerCase() === b[i]!.toLowerCase());
}

function routeSetMismatch(ctx: FindingContext): DetectedFinding[] {
  const out: DetectedFinding[] = [];
  for (const dialog of ctx.call.dialogs) {
    if (dialog.confirmedBy === undefined) continue;
    const okIndex = dialog.confirmedBy;
    const strict = dialog.recordRoute.length > 0 && !/;lr\b/i.test(dialog.recordRoute[0]!) && !/;lr\b/i.test(dialog.recordRoute[dialog.recordRoute.length - 1]!);
    if (strict) continue; // strict routing (RFC 2543 proxies) puts the route in the Request-URI; not judged here
    for (const m of ctx.requests) {
      // As the user agent sent it: one Via (proxies add theirs, and consume Route entries).
      if (m.index <= okIndex || m.retransmission || m.sip.via.length !== 1 || m.sip.method === 'CANCEL') continue;
      // The ACK for a non-2xx final (a 491 to a re-INVITE) is its INVITE transaction's, hop by hop, with that INVITE's Route (§17.1.1.3).
      if (m.sip.method === 'ACK' && m.transactionId !== undefined) continue;
      const fromCaller = m.sip.from.tag === dialog.callerTag && m.sip.to.tag === dialog.calleeTag;
      const fromCallee = m.sip.from.tag === dialog.calleeTag && m.sip.to.tag === dialog.callerTag;
      if (!fromCaller && !fromCallee) continue;
      const expectedRoutes = fromCaller ? dialog.callerRouteSet : dialog.recordRoute;
      const target = fromCaller ? latestCalleeTarget(ctx, dialog, m.index) : latestCallerTarget(ctx, dialog, m.index);
      const routes = routesOf(m.sip);
      const problems: string[] = [];
      if (!sameList(routes, expectedRoutes)) {
        problems.push(`its Route is ${routes.length ? routes.join(', ') : '(none)'} but the ${fromCaller ? 'caller\'s' : 'callee\'s'} route set is `
          + `${expectedRoutes.length ? expectedRoutes.join(', ') : '(empty)'} (${fromCaller ? 'the 2xx Record-Route reversed' : 'the INVITE Record-Route as received'})`);
      }
      const ruri = uriText(m.sip.requestUri);
      if (target !== undefined && ruri.toLowerCase() !== target.toLowerCase()) {
        problems.push(`its Request-URI is ${ruri} but the remote target (the ${fromCaller ? 'callee' : 'caller'}'s Contact) is ${target}`);
      }
      if (problems.length === 0) continue;
      out.push(ctx.finding('route-set-mismatch', 'error', [okIndex, m.index],
        `The ${m.sip.method} sent by the ${fromCaller ? 'caller' : 'callee'} (${senderOf(m)}): ${problems.join('; and ')}. `
        + 'Proxies that record-routed will not see it, or it goes to the wrong place.', `${dialog.id}|${m.sip.method}|${m.sip.cseq.seq}`));
    }
  }
  return out;
}

function latestCalleeTarget(ctx: FindingContext, dialog: DialogModel, before: number): string | undefined {
  let target = dialog.calleeContact;
  for (const m of ctx.responses) {
    if (m.index >= before) break;
    if (m.sip.to.tag === dialog.calleeTag && m.sip.status >= 200 && m.sip.status < 300
      && (m.sip.cseq.method === 'INVITE' || m.sip.cseq.method === 'UPDATE') && m.sip.contacts[0]) target = uriText(m.sip.contacts[0].uri);
  }
  return target;
}

function latestCallerTarget(ctx: FindingContext, dialog: DialogModel, before: number): string | undefined {
  let target = dialog.callerContact;
  for (const m of ctx.requests) {
    if (m.index >= before) break;
    if (m.sip.from.tag === dialog.callerTag && (m.sip.method === 'INVITE' || m.sip.method === 'UPDATE') && m.sip.contacts[0]) {
      target = uriText(m.sip.contacts[0].uri);
    }
  }
  return target;
}
