// Typed values of SIP header fields and URIs (RFC 3261 §19, §20, §25 and the extensions
// a softphone needs). Every value is a plain readonly object; parsed messages also keep
// the raw text of each header field, so nothing here needs to remember its own spelling.

/**
 * Header parameters (`;name=value`), keyed by lower-cased name, in wire order.
 * Values are the raw gen-value text (token, host, or quoted-string *with* its quotes);
 * `null` for a parameter without `=value`. RFC 3261 §7.3.1: a parameter name must not
 * appear twice, and the parser rejects a message where it does.
 */
export type Params = ReadonlyMap<string, string | null>;

/** URI parameters, keyed by lower-cased unescaped name; values are %-unescaped. */
export type UriParams = ReadonlyMap<string, string | null>;

export interface UriHeader {
  /** %-unescaped header name, as written (not case-folded). */
  readonly name: string;
  /** %-unescaped value. */
  readonly value: string;
}

export type HostKind = 'domain' | 'ipv4' | 'ipv6';

/** `sip:` / `sips:` URI (RFC 3261 §19.1). */
export interface SipUri {
  readonly scheme: 'sip' | 'sips';
  /** %-unescaped user part, if any. */
  readonly user?: string;
  /** %-unescaped password, if any. */
  readonly password?: string;
  /** Host as written; IPv6 references keep their brackets: `[2001:db8::1]`. */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port?: number;
  readonly params: UriParams;
  readonly headers: readonly UriHeader[];
}

/** `tel:` URI (RFC 3966). */
export interface TelUri {
  readonly scheme: 'tel';
  /** The telephone-subscriber as written, visual separators included (`+1-201-555-0123`). */
  readonly number: string;
  /** True for a global number (starts with `+`). */
  readonly global: boolean;
  readonly params: UriParams;
}

/** Any other scheme, kept as an absolute URI (RFC 3261 `absoluteURI`). */
export interface AbsoluteUri {
  /** Lower-cased scheme. */
  readonly scheme: string;
  /** Everything after the colon, as written. */
  readonly value: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

/** name-addr or addr-spec with header parameters (Route, Record-Route, Refer-To, ...). */
export interface NameAddr {
  /** Display name: unquoted and unescaped when quoted; tokens joined by single spaces. */
  readonly displayName?: string;
  readonly uri: Uri;
  readonly params: Params;
}

/** From / To: a NameAddr with its `tag` parameter surfaced. */
export interface TaggedAddress extends NameAddr {
  readonly tag?: string;
}

/** One Contact value (RFC 3261 §20.10, RFC 5626 outbound, RFC 3840 feature tags). */
export interface Contact extends NameAddr {
  /** `expires` contact parameter, seconds. */
  readonly expires?: number;
  /** `q` contact parameter, 0..1. */
  readonly q?: number;
  /** `+sip.instance` value, unquoted (e.g. `<urn:uuid:...>`). */
  readonly instance?: string;
  /** `reg-id` (RFC 5626). */
  readonly regId?: number;
  /** True when the Contact URI carries the `ob` parameter (RFC 5626 §5.4). */
  readonly ob: boolean;
}

/** One Via value (RFC 3261 §20.42, rport from RFC 3581). */
export interface Via {
  /** `SIP/2.0` as written, without LWS. */
  readonly protocol: string;
  /** Transport, upper-cased: `UDP`, `TCP`, `TLS`, `WS`, `WSS`, `SCTP`, ... */
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
  readonly params: Params;
  readonly branch?: string;
  readonly received?: string;
  /** `rport` with a value, or `true` when present without one. */
  readonly rport?: number | true;
  readonly maddr?: string;
  readonly ttl?: number;
}

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

/** RAck (RFC 3262 §7.2). */
export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

export interface MediaType {
  /** Lower-cased top-level type, e.g. `application`. */
  readonly type: string;
  /** Lower-cased subtype, e.g. `sdp`. */
  readonly subtype: string;
  /** `type/subtype`, lower-cased. */
  readonly essence: string;
  readonly params: Params;
}

export interface AuthParam {
  /** Unquoted, unescaped value. */
  readonly value: string;
  /** Whether it was (or must be) sent as a quoted-string. */
  readonly quoted: boolean;
}

/** WWW-Authenticate / Proxy-Authenticate challenge, or (Proxy-)Authorization credentials. */
export interface AuthValue {
  /** Scheme as written, e.g. `Digest`. */
  readonly scheme: string;
  /** Parameters keyed by lower-cased name. */
  readonly params: ReadonlyMap<string, AuthParam>;
}

/** Session-Expires (RFC 4028). */
export interface SessionExpires {
  readonly seconds: number;
  readonly refresher?: 'uac' | 'uas';
  readonly params: Params;
}

/** Replaces (RFC 3891). */
export interface Replaces {
  readonly callId: string;
  readonly toTag: string;
  readonly fromTag: string;
  readonly earlyOnly: boolean;
  readonly params: Params;
}

/** Reason (RFC 3326). */
export interface ReasonValue {
  /** `SIP`, `Q.850`, ... as written. */
  readonly protocol: string;
  readonly cause?: number;
  /** Unquoted `text` parameter. */
  readonly text?: string;
  readonly params: Params;
}

/** Event (RFC 6665). */
export interface EventValue {
  readonly type: string;
  readonly id?: string;
  readonly params: Params;
}

/** Content-Disposition (RFC 3261 §20.11). */
export interface ContentDisposition {
  readonly type: string;
  readonly params: Params;
}
