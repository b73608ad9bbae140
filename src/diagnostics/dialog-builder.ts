// Dialogs of a call (RFC 3261 §12), from its messages: created by a 101-299
// response with a To tag to an INVITE outside a dialog, confirmed by a 2xx,
// terminated by a BYE. The same dialog seen on several legs of a capture
// (through proxies, which keep the tags) is one dialog.
import type { SipRequest, SipResponse } from '../message/index.js';
import type { DialogModel, TraceMessage } from './model-types.js';
import { nameAddrText, uriText } from './uri-text.js';

type DialogDraft = { -readonly [K in keyof DialogModel]: DialogModel[K] };

export function buildDialogs(messages: readonly TraceMessage[]): DialogModel[] {
  const initialInvites = new Map<string, SipRequest>();
  const dialogs = new Map<string, DialogDraft>();
  for (const m of messages) {
    const sip = m.sip;
    if (!sip) continue;
    if (sip.kind === 'request') {
      if (sip.method === 'INVITE' && sip.to.tag === undefined) {
        const key = `${sip.from.tag ?? ''}|${sip.cseq.seq}`;
        if (!initialInvites.has(key)) initialInvites.set(key, sip);
      } else if (sip.method === 'BYE') {
        const d = dialogs.get(`${sip.from.tag ?? ''}|${sip.to.tag ?? ''}`) ?? dialogs.get(`${sip.to.tag ?? ''}|${sip.from.tag ?? ''}`);
        if (d && d.terminatedBy === undefined) {
          d.terminatedBy = m.index;
          d.state = 'terminated';
        }
      }
      continue;
    }
    if (sip.cseq.method !== 'INVITE' || sip.status <= 100 || sip.status >= 300 || sip.to.tag === undefined) continue;
    const invite = initialInvites.get(`${sip.from.tag ?? ''}|${sip.cseq.seq}`);
    if (!invite) continue;
    const id = `${sip.from.tag ?? ''}|${sip.to.tag}`;
    let d = dialogs.get(id);
    if (!d) {
      d = newDialog(m.index, sip, invite);
      dialogs.set(id, d);
    }
    if (sip.status >= 200 && d.confirmedBy === undefined) {
      d.confirmedBy = m.index;
      if (d.state === 'early') d.state = 'confirmed';
      // The route set is taken from the 2xx (§12.1.2), the remote target from its Contact.
      d.recordRoute = sip.recordRoutes.map(nameAddrText);
      d.callerRouteSet = [...d.recordRoute].reverse();
      const contact = sip.contacts[0];
      if (contact) d.calleeContact = uriText(contact.uri);
    }
  }
  return [...dialogs.values()];
}

function newDialog(index: number, response: SipResponse, invite: SipRequest): DialogDraft {
  const recordRoute = response.recordRoutes.map(nameAddrText);
  const calleeContact = response.contacts[0];
  const callerContact = invite.contacts[0];
  return {
    id: `${response.callId}|${response.from.tag ?? ''}|${response.to.tag ?? ''}`,
    callId: response.callId,
    callerTag: response.from.tag ?? '',
    calleeTag: response.to.tag ?? '',
    state: response.status >= 200 ? 'confirmed' : 'early',
    recordRoute,
    callerRouteSet: [...recordRoute].reverse(),
    createdBy: index,
    ...(response.status >= 200 ? { confirmedBy: index } : {}),
    ...(callerContact ? { callerContact: uriText(callerContact.uri) } : {}),
    ...(calleeContact ? { calleeContact: uriText(calleeContact.uri) } : {}),
  };
}
