// The `callback` number's second half: the line calls back whoever called it. The target
// is the caller's registration (its address of record is the INVITE's From), newest
// binding first, else the Contact of the INVITE itself; either way the request goes over
// the connection that Contact came on (flow-router.ts), the only way to a WebSocket
// client (RFC 7118 §5). The call plays the chime when answered, then echoes.
import { formatUri, parseUri, type SipRequest } from '../message/index.js';
import type { MediaKind } from '../media/measure/measurements.js';
import type { MediaEngine } from '../media/media-engine.js';
import type { CallAgent } from '../ua/call/call-agent.js';
import type { OutgoingCall } from '../ua/call/outgoing-call.js';
import { ChimeSource } from './chime.js';
import type { FlowRouter } from './flow-router.js';
import { LineMedia } from './line-media.js';
import { addressOfRecord, type Registrar } from './registrar.js';
import type { Clock } from '../util/clock.js';

export interface CallBackRequest {
  readonly agent: CallAgent;
  readonly registrar: Registrar;
  readonly router: FlowRouter;
  readonly engine: MediaEngine;
  /** The INVITE of the call that asked to be called back. */
  readonly invite: SipRequest;
  /** The media kind that call used (a WebRTC caller gets a WebRTC offer). */
  readonly kind: MediaKind;
  readonly ringMs: number;
  readonly clock: Clock;
}

/** Where to call back the sender of `invite`: a registered Contact with an open flow, else its own Contact. */
export function callbackTarget(invite: SipRequest, registrar: Registrar, router: FlowRouter): string | undefined {
  const aor = addressOfRecord(invite.from.uri);
  const registered = aor === undefined ? [] : registrar.bindingsOf(aor);
  for (const binding of registered) {
    const uri = parseUri(binding.contact);
    if (uri.ok && router.flowFor(uri.value) !== undefined) return binding.contact;
  }
  const contact = invite.contacts[0]?.uri;
  return contact !== undefined && router.flowFor(contact) !== undefined ? formatUri(contact) : undefined;
}

/** Places the call back; undefined when the caller cannot be reached any more (its connection closed). */
export function callBack(request: CallBackRequest): { call: OutgoingCall; media: LineMedia } | undefined {
  const target = callbackTarget(request.invite, request.registrar, request.router);
  if (target === undefined) return undefined;
  const chime = new ChimeSource();
  const media = new LineMedia(request.engine, chime);
  media.kindForOffers = request.kind;
  const to = request.invite.from;
  const call = request.agent.call(target, {
    sdp: media, ringTimeoutMs: request.ringMs,
    to: { uri: formatUri(to.uri), ...(to.displayName === undefined ? {} : { displayName: to.displayName }) },
  });
  call.on('answered', () => {
    // The chime plays as soon as media flows; the echo follows it.
    const poll = () => {
      if (call.isEnded) return;
      if (chime.finished) media.play({ kind: 'echo' });
      else request.clock.setTimer(50, poll);
    };
    poll();
  });
  return { call, media };
}
