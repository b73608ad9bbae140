// INFO in an established call (RFC 6086): taken with 200 when it belongs to
// an Info Package we listed in Recv-Info (or is a legacy INFO without one),
// refused with 469 (Bad Info Package) otherwise; sent with its Info-Package
// header, only for a package the peer said it takes.
import type { HeaderSpec, SipMessage, SipRequest } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import { describeOutcome, type InDialogOutcome } from '../core/in-dialog-client.js';
import type { MidCall } from './mid-call.js';

export interface InfoSpec {
  /** The Info Package (RFC 6086); omit for a legacy INFO (RFC 2976 usage). */
  readonly package?: string;
  readonly body: string;
  readonly contentType: string;
}

export type InfoOutcome =
  | { readonly ok: true; readonly status: number }
  | { readonly ok: false; readonly status?: number; readonly reason: string };

/** The Info Packages listed in a message's Recv-Info header fields, or undefined when it has none. */
export function recvInfoOf(message: SipMessage): string[] | undefined {
  const fields = message.getHeaders('Recv-Info');
  if (fields.length === 0) return undefined;
  return fields.flatMap((field) => field.value.split(',')).map((p) => p.split(';')[0]!.trim().toLowerCase()).filter((p) => p.length > 0);
}

/** The Info-Package of an INFO (its token, without parameters). */
function infoPackageOf(request: SipRequest): string | undefined {
  const value = request.getHeader('Info-Package')?.value;
  return value === undefined ? undefined : value.split(';')[0]!.trim().toLowerCase();
}

export class Infos {
  constructor(private readonly call: MidCall) {}

  receive(request: SipRequest, transaction: ServerTransaction): void {
    const { host } = this.call;
    const packages = (this.call.options.infoPackages ?? []).map((p) => p.toLowerCase());
    const name = infoPackageOf(request);
    if (name !== undefined && !packages.includes(name)) {
      // RFC 6086 §4.2.2: an INFO for an Info Package we did not say we take gets
      // 469 (Bad Info Package), with Recv-Info listing the ones we do take.
      this.call.reply(transaction, 469, { reason: 'Bad Info Package', headers: [{ name: 'Recv-Info', value: packages.join(', ') }] });
      return;
    }
    this.call.reply(transaction, 200);
    host.emit('info', {
      at: host.now(), body: request.bodyText,
      ...(name === undefined ? {} : { package: name }),
      ...(request.contentType ? { contentType: request.contentType.essence } : {}),
    });
  }

  async send(info: InfoSpec): Promise<InfoOutcome> {
    const { host } = this.call;
    const dialog = host.sessionDialog();
    if (!dialog) return { ok: false, reason: 'no established dialog to send INFO in' };
    const name = info.package?.toLowerCase();
    const headers: HeaderSpec[] = [];
    if (name !== undefined) {
      // RFC 6086: no INFO for an Info Package the peer has not listed in Recv-Info.
      if (!this.call.peer.recvInfo?.includes(name)) {
        return { ok: false, reason: `the peer has not listed the Info Package '${name}' in Recv-Info (RFC 6086)` };
      }
      headers.push({ name: 'Info-Package', value: name });
      // RFC 6086 marks the Info Package's body part with this disposition.
      if (info.body.length > 0) headers.push({ name: 'Content-Disposition', value: 'Info-Package' });
    }
    const outcome: InDialogOutcome = await host.sendInDialog(dialog, 'INFO', {
      headers, ...(info.body.length > 0 ? { body: info.body, contentType: info.contentType } : {}),
    });
    if (this.call.dialogLost(dialog, 'INFO', outcome)) return { ok: false, reason: describeOutcome(outcome) };
    if (outcome.kind !== 'response') return { ok: false, reason: describeOutcome(outcome) };
    const status = outcome.response.status;
    return status < 300 ? { ok: true, status } : { ok: false, status, reason: describeOutcome(outcome) };
  }
}
