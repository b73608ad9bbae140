// What a raw message does to a call's dialog, read off its start line and CSeq
// without parsing it: a 2xx to an INVITE answers the call (RFC 3261 §13.2.2.4),
// a BYE (or its response) ends it (§15). The streaming analysis keeps an
// answered call that no BYE ended open longer: the call may still be up.
import { scanHeader } from '../call-id-scan.js';

export type DialogStep = 'answered' | 'bye' | undefined;

function startsWith(raw: Uint8Array, text: string): boolean {
  if (raw.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (raw[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** `cseq`: the message's CSeq value, when the caller has it already (see scanHeaders). */
export function scanDialogStep(raw: Uint8Array, cseq: string | undefined = undefined): DialogStep {
  if (startsWith(raw, 'BYE ')) return 'bye';
  if (!startsWith(raw, 'SIP/2.0 ')) return undefined;
  const method = (cseq ?? scanHeader(raw, 'cseq'))?.split(/\s+/)[1]?.toUpperCase();
  if (method === 'BYE') return 'bye';
  return method === 'INVITE' && raw[8] === 0x32 /* 2xx */ ? 'answered' : undefined;
}
