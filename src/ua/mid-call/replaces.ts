// Replaces (RFC 3891) in the REFER of an attended transfer (RFC 5589 §7):
// the transferor writes it as a header of the Refer-To URI, the transferee
// reads it there and puts it, as a header field, in the INVITE it sends.
import { formatUri, parseReplaces } from '../../message/index.js';
import type { SipUri, Uri } from '../../message/index.js';

/** The other call of an attended transfer, as the REFER names it. */
export interface ReplacesTarget {
  /** The peer's remote target (its Contact). */
  readonly uri: Uri;
  /** The peer's address of record (the dialog's remote URI). */
  readonly aor: Uri;
  readonly callId: string;
  /** The peer's tag: the dialog's to-tag as the peer, who receives the INVITE with Replaces, sees it (RFC 3891 §3). */
  readonly toTag: string;
  /** Our tag in that dialog. */
  readonly fromTag: string;
}

/**
 * Where the transferee's INVITE goes. RFC 5589 §7.1 prefers the target's
 * Contact (a GRUU) so that the INVITE with Replaces reaches the very UA that
 * holds the dialog; a Contact that cannot be routed to from elsewhere (the
 * `.invalid` host of a WebSocket client, RFC 7118 §5) is no use to the
 * transferee, and then the address of record is used, which the proxy routes
 * to the target's registrations.
 */
function referTarget(target: ReplacesTarget): SipUri | undefined {
  const usable = (uri: Uri): uri is SipUri => (uri.scheme === 'sip' || uri.scheme === 'sips') && 'host' in uri;
  const contact = target.uri;
  if (usable(contact) && (contact.params.has('gr') || !contact.host.toLowerCase().endsWith('.invalid'))) return contact;
  return usable(target.aor) ? target.aor : undefined;
}

/**
 * The Refer-To URI of an attended transfer: "Refer-To:
 * <sip:target?Replaces=callid%3Bto-tag%3D...%3Bfrom-tag%3D...>" (RFC 5589
 * §7.1; the Replaces value is %-escaped as a URI header, RFC 3261 §19.1.1).
 */
export function referToWithReplaces(target: ReplacesTarget): string {
  const uri = referTarget(target);
  if (!uri) throw new Error('the other call has no SIP URI to transfer to');
  const value = `${target.callId};to-tag=${target.toTag};from-tag=${target.fromTag}`;
  return formatUri({ ...uri, headers: [{ name: 'Replaces', value }] });
}

/**
 * The Replaces header of a Refer-To URI, checked and written out again
 * (undefined when it has none). More than one, or one that does not parse
 * (RFC 3891 §6.1: to-tag and from-tag are mandatory), is an error.
 */
export function replacesOfReferTo(uri: SipUri): { ok: true; value: string } | { ok: false; error: string } | undefined {
  const fields = uri.headers.filter((h) => h.name.toLowerCase() === 'replaces');
  if (fields.length === 0) return undefined;
  if (fields.length > 1) return { ok: false, error: 'more than one Replaces in the Refer-To URI' };
  const parsed = parseReplaces(fields[0]!.value);
  if (!parsed.ok) return { ok: false, error: `malformed Replaces in the Refer-To URI: ${parsed.error.message}` };
  const r = parsed.value;
  return { ok: true, value: `${r.callId};to-tag=${r.toTag};from-tag=${r.fromTag}${r.earlyOnly ? ';early-only' : ''}` };
}
