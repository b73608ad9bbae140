// A SIP dialog (RFC 3261 §12): who the two ends are, how to reach the other
// (remote target and route set), and the CSeq spaces. Created by the UAC from
// an 18x/2xx with a To tag (§12.1.2) or by the UAS from the request (§12.1.1);
// builds the requests sent within it (§12.2.1.1) and checks those received
// (§12.2.2).
import { buildRequest, formatUri } from '../message/index.js';
import type {
  BuildResult, HeaderSpec, NameAddr, SipRequest, SipResponse, Uri, ViaSpec,
} from '../message/index.js';

export type DialogState = 'early' | 'confirmed' | 'terminated';

/** §12: "A dialog is identified ... by a Call-ID, a local tag and a remote tag." */
export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

export function dialogKey(id: DialogId): string {
  return `${id.callId}|${id.localTag}|${id.remoteTag}`;
}

/** The dialog an incoming in-dialog request belongs to: To tag is ours, From tag theirs. */
export function dialogKeyOfRequest(request: SipRequest): string | undefined {
  const localTag = request.to.tag;
  const remoteTag = request.from.tag;
  return localTag === undefined || remoteTag === undefined ? undefined : dialogKey({ callId: request.callId, localTag, remoteTag });
}

/** The dialog a response belongs to (as UAC): From tag is ours, To tag theirs. */
export function dialogKeyOfResponse(response: SipResponse): string | undefined {
  const localTag = response.from.tag;
  const remoteTag = response.to.tag;
  return localTag === undefined || remoteTag === undefined ? undefined : dialogKey({ callId: response.callId, localTag, remoteTag });
}

export interface InDialogRequestOptions {
  /** The top (and only) Via: transport, sent-by and a fresh branch. */
  readonly via: ViaSpec;
  /** Contact for target refresh requests (INVITE, UPDATE, SUBSCRIBE, NOTIFY, REFER). */
  readonly contact?: string;
  /** For ACK (§13.2.2.4) and CANCEL: the CSeq number of the INVITE; otherwise the next local CSeq is used. */
  readonly cseq?: number;
  readonly body?: string | Uint8Array;
  readonly contentType?: string;
  readonly require?: readonly string[];
  readonly supported?: readonly string[];
  readonly headers?: readonly HeaderSpec[];
}

/** What a UAS answers to an in-dialog request that fails the §12.2.2 checks. */
export interface DialogRejection {
  readonly status: number;
  readonly reason: string;
}

const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

export function isTargetRefresh(method: string): boolean {
  return TARGET_REFRESH.has(method);
}

function firstContactUri(message: SipRequest | SipResponse): Uri | undefined {
  return message.contacts[0]?.uri;
}

export class Dialog {
  private currentState: DialogState;
  private localSeqNumber: number;
  private remoteSeqNumber: number | undefined;
  private target: Uri;
  private routes: readonly NameAddr[];

  private constructor(
    readonly id: DialogId,
    readonly role: 'uac' | 'uas',
    /** §12.1: local URI (our From as UAC / our To as UAS), with display name. */
    readonly local: NameAddr,
    readonly remote: NameAddr,
    remoteTarget: Uri,
    routeSet: readonly NameAddr[],
    localSeq: number,
    remoteSeq: number | undefined,
    /** §12.1.1: "If the request arrived over TLS, and the Request-URI contained a SIPS URI, the secure flag is set". */
    readonly secure: boolean,
    state: DialogState,
  ) {
    this.target = remoteTarget;
    this.routes = routeSet;
    this.localSeqNumber = localSeq;
    this.remoteSeqNumber = remoteSeq;
    this.currentState = state;
  }

  /**
   * §12.1.2: the UAC's dialog from a response with a To tag. "The route set
   * MUST be set to the list of URIs in the Record-Route header field from the
   * response, taken in reverse order"; "The remote target MUST be set to the
   * URI from the Contact header field of the response"; "The local sequence
   * number MUST be set to the value of the sequence number in the CSeq header
   * field of the request."
   */
  static asUac(request: SipRequest, response: SipResponse): Dialog | undefined {
    const localTag = request.from.tag;
    const remoteTag = response.to.tag;
    const target = firstContactUri(response);
    if (localTag === undefined || remoteTag === undefined || target === undefined) return undefined;
    const state: DialogState = response.status >= 200 ? 'confirmed' : 'early';
    const secure = request.requestUri.scheme === 'sips';
    return new Dialog({ callId: request.callId, localTag, remoteTag }, 'uac', request.from, response.to, target,
      [...response.recordRoutes].reverse(), request.cseq.seq, undefined, secure, state);
  }

  /**
   * §12.1.1: the UAS's dialog from the request. "The route set MUST be set to
   * the list of URIs in the Record-Route header field from the request, taken
   * in order"; the remote target is the request's Contact; "The remote
   * sequence number MUST be set to the value of the sequence number in the
   * CSeq header field of the request. The local sequence number MUST be empty."
   */
  static asUas(request: SipRequest, localTag: string, options: { overTls: boolean; confirmed?: boolean }): Dialog | undefined {
    const remoteTag = request.from.tag;
    const target = firstContactUri(request);
    if (remoteTag === undefined || target === undefined) return undefined;
    const secure = options.overTls && request.requestUri.scheme === 'sips';
    return new Dialog({ callId: request.callId, localTag, remoteTag }, 'uas', request.to, request.from, target,
      request.recordRoutes, 0, request.cseq.seq, secure, options.confirmed ? 'confirmed' : 'early');
  }

  get state(): DialogState {
    return this.currentState;
  }

  get key(): string {
    return dialogKey(this.id);
  }

  /** Route set, in the order Route headers are sent (§12.1.1 / §12.1.2). */
  get routeSet(): readonly NameAddr[] {
    return this.routes;
  }

  get remoteTarget(): Uri {
    return this.target;
  }

  get localSeq(): number {
    return this.localSeqNumber;
  }

  get remoteSeq(): number | undefined {
    return this.remoteSeqNumber;
  }

  /**
   * Early -> confirmed on a 2xx (§12.1: "a dialog established by a 2xx is
   * confirmed"). A UAC passes the 2xx: §13.2.2.4, "If the dialog identifier in
   * the 2xx response matches the dialog identifier of an existing dialog, the
   * dialog MUST be transitioned to the 'confirmed' state, and the route set for
   * the dialog MUST be recomputed based on the 2xx response" (Record-Route
   * reversed, §12.1.2), and the remote target is the 2xx's Contact. The local
   * CSeq is kept: PRACKs sent in the early dialog already used numbers.
   */
  confirm(response?: SipResponse): void {
    if (this.currentState !== 'early') return;
    this.currentState = 'confirmed';
    if (response && this.role === 'uac') {
      this.routes = [...response.recordRoutes].reverse();
      this.refreshTarget(response);
    }
  }

  terminate(): void {
    this.currentState = 'terminated';
  }

  /**
   * §12.2.1.2 / §12.2.2: a target refresh (2xx to a re-INVITE, or an accepted
   * in-dialog INVITE/UPDATE) replaces the remote target with its Contact.
   */
  refreshTarget(message: SipRequest | SipResponse): void {
    const contact = firstContactUri(message);
    if (contact) this.target = contact;
  }

  /**
   * §12.2.2: "If the remote sequence number is empty, it MUST be set to the
   * value of the sequence number in the CSeq header field value in the
   * request. If the remote sequence number was not empty, but the sequence
   * number of the request is lower than the remote sequence number, the
   * request is out of order and MUST be rejected with a 500". ACK and CANCEL
   * carry the sequence number of the request they refer to.
   */
  receiveRequest(request: SipRequest): DialogRejection | undefined {
    if (request.method === 'ACK' || request.method === 'CANCEL') return undefined;
    const seq = request.cseq.seq;
    if (this.remoteSeqNumber !== undefined && seq < this.remoteSeqNumber) {
      return { status: 500, reason: `Out of order: CSeq ${seq} is below ${this.remoteSeqNumber}` };
    }
    this.remoteSeqNumber = seq;
    return undefined;
  }

  /**
   * §12.2.1.1: a request within the dialog. To/From carry the remote and local
   * URIs and tags; the CSeq is the next local one (ACK and CANCEL reuse the
   * INVITE's); the Request-URI and Route set follow loose or strict routing.
   */
  createRequest(method: string, options: InDialogRequestOptions): BuildResult<SipRequest> {
    let seq: number;
    if (method === 'ACK' || method === 'CANCEL') {
      seq = options.cseq ?? this.localSeqNumber;
    } else {
      // "The local sequence number MUST be incremented by one if it is not empty ... [or] chosen [if empty]."
      this.localSeqNumber = this.localSeqNumber === 0 ? 1 + Math.floor(Math.random() * 2 ** 16) : this.localSeqNumber + 1;
      seq = this.localSeqNumber;
    }
    const { requestUri, route } = this.routing();
    return buildRequest({
      method,
      uri: requestUri,
      cseq: { seq, method },
      via: [options.via],
      from: { ...nameAddrSpec(this.local), tag: this.id.localTag },
      to: { ...nameAddrSpec(this.remote), tag: this.id.remoteTag },
      callId: this.id.callId,
      route,
      ...(options.contact !== undefined ? { contact: [{ uri: options.contact }] } : {}),
      ...(options.require ? { require: options.require } : {}),
      ...(options.supported ? { supported: options.supported } : {}),
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.body !== undefined ? { body: options.body, contentType: options.contentType ?? 'application/sdp' } : {}),
    });
  }

  /**
   * §12.2.1.1: "If the route set is empty, the UAC MUST place the remote target
   * URI into the Request-URI." With a loose router first ("lr"), the
   * Request-URI is the remote target and the Route headers are the route set;
   * with a strict router first, the Request-URI is that router's URI and the
   * remote target goes last in the Route headers.
   */
  private routing(): { requestUri: Uri | string; route: NameAddr[] } {
    const first = this.routeSet[0];
    if (!first) return { requestUri: this.target, route: [] };
    const firstUri = first.uri;
    const loose = (firstUri.scheme === 'sip' || firstUri.scheme === 'sips') && 'host' in firstUri && firstUri.params.has('lr');
    if (loose) return { requestUri: this.target, route: [...this.routeSet] };
    return {
      requestUri: stripForRequestUri(firstUri),
      route: [...this.routeSet.slice(1), { uri: this.target, params: new Map() }],
    };
  }
}

function nameAddrSpec(address: NameAddr): { displayName?: string; uri: Uri; params: ReadonlyMap<string, string | null> } {
  const params = new Map(address.params);
  params.delete('tag');
  return { ...(address.displayName === undefined ? {} : { displayName: address.displayName }), uri: address.uri, params };
}

/**
 * §12.2.1.1: "stripping any parameters that are not allowed in a
 * Request-URI"; by the table of §19.1.1 those are the `method` parameter and
 * URI headers.
 */
function stripForRequestUri(uri: Uri): Uri | string {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return uri;
  if (!('host' in uri)) return uri;
  const params = new Map(uri.params);
  params.delete('method');
  return formatUri({ ...uri, params, headers: [] });
}
