// Building one REGISTER (RFC 3261 §10.2) from a registration's fixed parts
// (AOR, Call-ID, From tag, instance) and this attempt's (CSeq, Contact,
// expiry, credentials).
import { buildRequest } from '../../message/index.js';
import type { ContactSpec, HeaderSpec, NameAddr, SipRequest, ViaSpec } from '../../message/index.js';

export interface RegisterSpec {
  readonly requestUri: string;
  readonly aor: string;
  readonly displayName?: string;
  readonly callId: string;
  readonly fromTag: string;
  /** §10.2: "A UA MUST increment the CSeq value by one for each REGISTER request with the same Call-ID". */
  readonly cseq: number;
  readonly via: ViaSpec;
  readonly contact: string;
  /** 0 removes the binding (§10.2.2). */
  readonly expiresS: number;
  readonly instanceId?: string;
  /** RFC 5626 reg-id; given only on connection-oriented transports, with an instance ID. */
  readonly regId?: number;
  /** A previous Contact of ours to remove in the same request (expires=0). */
  readonly staleContact?: string;
  readonly product: string;
  readonly credentials: readonly HeaderSpec[];
  /** The preloaded route (RFC 3261 §8.1.2), as Route headers. */
  readonly route?: readonly NameAddr[];
}

export function buildRegister(spec: RegisterSpec): SipRequest {
  const contacts: ContactSpec[] = [{
    uri: spec.contact,
    ...(spec.instanceId === undefined ? {} : { instance: spec.instanceId }),
    ...(spec.regId === undefined ? {} : { regId: spec.regId }),
    ...(spec.expiresS === 0 ? { expires: 0 } : {}),
  }];
  // Without +sip.instance/reg-id: an outbound registrar would match those to the new binding.
  if (spec.staleContact !== undefined) contacts.push({ uri: spec.staleContact, expires: 0 });
  const address = { uri: spec.aor, ...(spec.displayName === undefined ? {} : { displayName: spec.displayName }) };
  const built = buildRequest({
    method: 'REGISTER', uri: spec.requestUri, cseq: spec.cseq, via: [spec.via],
    from: { ...address, tag: spec.fromTag }, to: address, callId: spec.callId,
    ...(spec.route && spec.route.length > 0 ? { route: spec.route } : {}),
    contact: contacts, expires: spec.expiresS,
    // RFC 5626 §4.2.1: a UA using outbound says so with the `outbound` option tag.
    ...(spec.regId === undefined ? {} : { supported: ['outbound'] }),
    headers: [{ name: 'User-Agent', value: spec.product }, ...spec.credentials],
  });
  // Everything in it was checked when the Registration was made; a failure here is a bug.
  if (!built.ok) throw new Error(`cannot build REGISTER: ${built.error.message}`);
  return built.value;
}
