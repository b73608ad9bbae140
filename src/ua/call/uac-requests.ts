// The requests an outgoing call builds outside the dialog machinery: the
// INVITE (RFC 3261 §8.1.1, §13.2.1), its CANCEL (§9.1), and the ACK for a
// 2xx (§13.2.2.4), each with the rule it follows.
import type { Dialog } from '../../dialog/dialog.js';
import { buildRequest } from '../../message/index.js';
import type { HeaderSpec, NameAddr, SipRequest } from '../../message/index.js';
import type { CallFaults } from './faults.js';

export interface InviteSpec {
  readonly uri: string;
  readonly from: { readonly uri: string; readonly displayName?: string };
  readonly fromTag: string;
  readonly to: { readonly uri: string; readonly displayName?: string };
  readonly callId: string;
  readonly cseq: number;
  readonly via: Parameters<typeof buildRequest>[0]['via'][number];
  readonly contact: string;
  readonly supported: readonly string[];
  readonly require: readonly string[];
  readonly allow: readonly string[];
  readonly headers: readonly HeaderSpec[];
  readonly offer?: string;
  /** The preloaded route (RFC 3261 §8.1.2), as Route headers. */
  readonly route?: readonly NameAddr[];
}

export function buildInvite(spec: InviteSpec): SipRequest {
  const built = buildRequest({
    method: 'INVITE', uri: spec.uri, cseq: spec.cseq, via: [spec.via],
    from: { ...spec.from, tag: spec.fromTag }, to: spec.to, callId: spec.callId,
    ...(spec.route && spec.route.length > 0 ? { route: spec.route } : {}),
    contact: [{ uri: spec.contact }],
    supported: spec.supported,
    ...(spec.require.length > 0 ? { require: spec.require } : {}),
    allow: spec.allow,
    headers: spec.headers,
    ...(spec.offer === undefined ? {} : { body: spec.offer, contentType: 'application/sdp' }),
  });
  if (!built.ok) throw new Error(`cannot build the INVITE: ${built.error.message}`);
  return built.value;
}

/**
 * §9.1: "The Request-URI, Call-ID, To, the numeric part of CSeq, and From
 * header fields in the CANCEL request MUST be identical to those in the
 * request being cancelled, including tags. A CANCEL constructed by a client
 * MUST have only a single Via header field value matching the top Via value
 * in the request being cancelled. ... If the request being cancelled contains
 * a Route header field, the CANCEL request MUST include that Route header
 * field's values."
 */
export function buildCancel(invite: SipRequest, headers: readonly HeaderSpec[] = []): SipRequest {
  const via = invite.topVia;
  const built = buildRequest({
    method: 'CANCEL',
    uri: invite.requestUriText,
    cseq: { seq: invite.cseq.seq, method: 'CANCEL' },
    maxForwards: invite.maxForwards ?? 70,
    via: [{
      transport: via.transport, host: via.host,
      ...(via.port === undefined ? {} : { port: via.port }),
      ...(via.branch === undefined ? {} : { branch: via.branch }),
      ...(via.rport === undefined ? {} : { rport: via.rport }),
    }],
    from: invite.from,
    to: invite.to,
    callId: invite.callId,
    route: invite.routes,
    headers,
  });
  if (!built.ok) throw new Error(`cannot build the CANCEL: ${built.error.message}`);
  return built.value;
}

/** Authorization and Proxy-Authorization of a request, as headers to repeat. */
export function credentialHeaders(request: SipRequest): HeaderSpec[] {
  return request.headers
    .filter((h) => h.name === 'Authorization' || h.name === 'Proxy-Authorization')
    .map((h) => ({ name: h.name, value: h.value.replace(/\r\n[ \t]+/g, ' ') }));
}

/**
 * §13.2.2.4: "The header fields of the ACK are constructed in the same way as
 * for any request sent within a dialog (see Section 12) with the exception of
 * the CSeq and the header fields related to authentication. The sequence
 * number of the CSeq header field MUST be the same as the INVITE being
 * acknowledged, but the CSeq method MUST be ACK. The ACK MUST contain the same
 * credentials as the INVITE." A new branch: the ACK for a 2xx is its own
 * transaction (§17.1.1.3), sent end to end along the dialog's route set.
 */
export function buildAckFor2xx(dialog: Dialog, invite: SipRequest,
  via: Parameters<typeof buildRequest>[0]['via'][number], answer?: string, faults?: CallFaults): SipRequest {
  const built = dialog.createRequest('ACK', {
    // FAULT bad-ack-cseq (§13.2.2.4): one more than the INVITE's number.
    via, cseq: invite.cseq.seq + (faults?.badAckCseq ? 1 : 0), headers: credentialHeaders(invite),
    ...(answer === undefined ? {} : { body: answer, contentType: 'application/sdp' }),
  });
  if (!built.ok) throw new Error(`cannot build the ACK: ${built.error.message}`);
  return built.value;
}
