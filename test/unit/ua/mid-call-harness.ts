// For the in-dialog tests: an established call between Alice (caller) and
// Bob (callee) on the call harness, a way to send a hand-made request in
// one of their dialogs, and an SDP handler whose answers wait for the test.
import type { Dialog } from '../../../src/dialog/dialog.js';
import type { SipRequest, SipResponse } from '../../../src/message/index.js';
import type { CallAgentOptions } from '../../../src/ua/call/call-agent.js';

import type { CallBase } from '../../../src/ua/call/call-base.js';
import type { IncomingCall } from '../../../src/ua/call/incoming-call.js';
import type { OutgoingCall } from '../../../src/ua/call/outgoing-call.js';
import type { MediaDirection } from '../../../src/ua/sdp/sdp-handler.js';
import { StaticSdpHandler } from '../../../src/ua/sdp/static-sdp.js';
import { setup, type Side } from './call-harness.js';
import type { CallEventMap, CallEventName } from '../../../src/ua/call/types.js';

export type Harness = ReturnType<typeof setup>;

export interface Connected extends Harness {
  readonly call: OutgoingCall;
  readonly incoming: IncomingCall;
  readonly aliceSdp: StaticSdpHandler;
  readonly bobSdp: StaticSdpHandler;
}

/** Alice calls Bob, Bob answers, and the ACK has arrived. */
export async function connected(options: {
  alice?: Partial<Omit<CallAgentOptions, 'endpoint'>>;
  bob?: Partial<Omit<CallAgentOptions, 'endpoint'>>;
  aliceSdp?: StaticSdpHandler;
  bobSdp?: StaticSdpHandler;
  sessionExpires?: number;
  headers?: readonly { name: string; value: string }[];
} = {}): Promise<Connected> {
  const h = setup();
  const aliceSdp = options.aliceSdp ?? new StaticSdpHandler({ port: 40000 });
  const bobSdp = options.bobSdp ?? new StaticSdpHandler({ port: 50000 });
  let incoming: IncomingCall | undefined;
  let first = true;
  h.bob.agent({ createSdpHandler: () => (first ? bobSdp : new StaticSdpHandler({ port: 52000 })), ...options.bob }).onIncomingCall((c) => {
    if (!first) return;
    first = false;
    incoming = c;
    void c.answer();
  });
  const call = h.alice.agent(options.alice).call('sip:bob@127.0.0.1:5070', {
    sdp: aliceSdp,
    ...(options.sessionExpires === undefined ? {} : { sessionExpires: options.sessionExpires }),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  await h.advance(20);
  if (!incoming || incoming.state !== 'confirmed' || call.state !== 'answered') throw new Error('the call did not connect');
  return { ...h, call, incoming, aliceSdp, bobSdp };
}

/** The events `name` of `call`, collected from now on. */
export function collect<E extends CallEventName>(call: CallBase, name: E): CallEventMap[E][] {
  const seen: CallEventMap[E][] = [];
  call.on(name, (e) => seen.push(e));
  return seen;
}

/** The confirmed dialog of Alice's call. */
export function aliceDialog(c: { readonly call: OutgoingCall }): Dialog {
  return [...c.call.dialogs.values()][0]!.dialog;
}

/**
 * Sends a hand-made request in `dialog` from `side` (a second re-INVITE the
 * UA itself would never send, an offerless one, ...); resolves with its
 * final response.
 */
export function sendRaw(side: Side, dialog: Dialog, method: string, options: {
  body?: string; contact?: string; headers?: readonly { name: string; value: string }[];
} = {}): { request: SipRequest; final: Promise<SipResponse> } {
  const built = dialog.createRequest(method, {
    via: side.endpoint.via(),
    ...(options.contact === undefined ? {} : { contact: options.contact }),
    ...(options.body === undefined ? {} : { body: options.body, contentType: 'application/sdp' }),
    headers: [...(options.headers ?? [])],
  });
  if (!built.ok) throw new Error(built.error.message);
  const request = built.value;
  const final = new Promise<SipResponse>((resolve, reject) => {
    side.endpoint.send(request, {
      onResponse: (r) => { if (r.status >= 200) resolve(r); },
      onTimeout: () => reject(new Error('timeout')),
      onTransportError: (e) => reject(e),
    });
  });
  return { request, final };
}

/** The a= direction of the first media stream in a body. */
export function direction(sdp: string): MediaDirection | undefined {
  return /^a=(sendrecv|sendonly|recvonly|inactive)\r?$/m.exec(sdp)?.[1] as MediaDirection | undefined;
}

/** The o= session version of a body. */
export function version(sdp: string): number {
  return Number(/^o=\S+ \S+ (\d+) /m.exec(sdp)![1]);
}

/** A static handler whose answers (and offers) wait until `release()`, and can refuse. */
export class GatedSdp extends StaticSdpHandler {
  private gate: Promise<void> | undefined;
  private open: (() => void) | undefined;
  refuse = false;

  hold(): void {
    this.gate = new Promise((resolve) => { this.open = resolve; });
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  override async createAnswer(offer: string, options: { direction?: MediaDirection } = {}): Promise<string> {
    await this.gate;
    if (this.refuse) throw new Error('no common codec');
    return super.createAnswer(offer, options);
  }
}
