// INFO in an established call (RFC 6086): taken with 200 when it belongs to
// an Info Package we listed in Recv-Info (or is a legacy INFO without one),
// refused with 469 (Bad Info Package) otherwise; sent with its Info-Package
// header, only for a package the peer said it takes. DTMF in an INFO also
// comes out as a `dtmf` event (dtmf.ts).
import type { HeaderSpec, SipMessage, SipRequest } from '../../message/index.js';
import type { ServerTransaction } from '../../transaction/transaction-layer.js';
import { describeOutcome, type InDialogOutcome } from '../core/in-dialog-client.js';
import type { InfoOutcome, InfoSpec } from '../call/types.js';
import { DTMF_INFO_PACKAGE, DTMF_PLAIN, DTMF_RELAY, dtmfOfBody } from './dtmf.js';
import type { MidCallShared } from './mid-call-types.js';

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
  constructor(private readonly midCall: MidCallShared) {}

  receive(request: SipRequest, transaction: ServerTransaction): void {
    const { call } = this.midCall;
    const packages = (this.midCall.options.infoPackages ?? []).map((p) => p.toLowerCase());
    const name = infoPackageOf(request);
    if (name !== undefined && !packages.includes(name)) {
      // RFC 6086 §4.2.2: an INFO for an Info Package we did not say we take gets
      // 469 (Bad Info Package), with Recv-Info listing the ones we do take.
      this.midCall.reply(transaction, 469, { reason: 'Bad Info Package', headers: [{ name: 'Recv-Info', value: packages.join(', ') }] });
      return;
    }
    this.midCall.reply(transaction, 200);
    const at = call.now();
    const contentType = request.contentType?.essence;
    call.emit('info', {
      at, body: request.bodyText,
      ...(name === undefined ? {} : { package: name }),
      ...(contentType ? { contentType } : {}),
    });
    // DTMF in a legacy INFO or in the dtmf Info Package, as application/dtmf-relay or application/dtmf.
    if ((name === undefined || name === DTMF_INFO_PACKAGE) && (contentType === DTMF_RELAY || contentType === DTMF_PLAIN)) {
      const dtmf = dtmfOfBody(contentType, request.bodyText);
      if (dtmf) call.emit('dtmf', { at, ...dtmf, via: 'info' });
    }
  }

  async send(info: InfoSpec): Promise<InfoOutcome> {
    const { call } = this.midCall;
    const dialog = call.sessionDialog();
    if (!dialog) return { ok: false, reason: 'no established dialog to send INFO in' };
    const name = info.package?.toLowerCase();
    const headers: HeaderSpec[] = [];
    if (name !== undefined) {
      // RFC 6086: no INFO for an Info Package the peer has not listed in Recv-Info.
      if (!this.midCall.peer.recvInfo?.includes(name)) {
        return { ok: false, reason: `the peer has not listed the Info Package '${name}' in Recv-Info (RFC 6086)` };
      }
      headers.push({ name: 'Info-Package', value: name });
      // RFC 6086 marks the Info Package's body part with this disposition.
      if (info.body.length > 0) headers.push({ name: 'Content-Disposition', value: 'Info-Package' });
    }
    const outcome: InDialogOutcome = await call.sendInDialog(dialog, 'INFO', {
      headers, ...(info.body.length > 0 ? { body: info.body, contentType: info.contentType } : {}),
    });
    if (this.midCall.dialogLost(dialog, 'INFO', outcome)) return { ok: false, reason: describeOutcome(outcome) };
    if (outcome.kind !== 'response') return { ok: false, reason: describeOutcome(outcome) };
    const status = outcome.response.status;
    return status < 300 ? { ok: true, status } : { ok: false, status, reason: describeOutcome(outcome) };
  }
}
