// Auto-answer requests on an incoming INVITE, as PBXs and paging systems
// send them: `Call-Info: <sip:pbx>;answer-after=0` (the Polycom/Snom
// convention, also in draft-ietf-sipcore-callinfo-answermode's ancestors) and
// `Alert-Info: <http://...>;info=alert-autoanswer` (optionally `;delay=N`).
// Only read here: whether to answer is the host's choice.
import type { SipRequest } from '../../message/index.js';

/** The header field values of `name`, split at commas outside <...> and quotes. */
function values(invite: SipRequest, name: string): string[] {
  const out: string[] = [];
  for (const field of invite.getHeaders(name)) {
    let depth = 0;
    let quoted = false;
    let start = 0;
    const text = field.value;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '"' && text[i - 1] !== '\\') quoted = !quoted;
      else if (!quoted && c === '<') depth += 1;
      else if (!quoted && c === '>') depth = Math.max(0, depth - 1);
      else if (!quoted && depth === 0 && c === ',') {
        out.push(text.slice(start, i));
        start = i + 1;
      }
    }
    out.push(text.slice(start));
  }
  return out;
}

/** The header parameters of one value (after its <URI>, or the whole value when it has none), names lower-cased. */
function paramsOf(value: string): Map<string, string> {
  const close = value.lastIndexOf('>');
  const params = new Map<string, string>();
  for (const part of value.slice(close + 1).split(';').slice(close >= 0 ? 1 : 0)) {
    const [name = '', raw = ''] = part.split('=', 2).map((p) => p.trim());
    if (name) params.set(name.toLowerCase(), raw.replace(/^"(.*)"$/, '$1'));
  }
  return params;
}

/** Whole seconds 0-3600, or undefined. */
function seconds(text: string | undefined): number | undefined {
  if (text === undefined || !/^\d{1,4}$/.test(text)) return undefined;
  const n = Number(text);
  return n <= 3600 ? n : undefined;
}

/**
 * After how many seconds the caller asks us to answer on our own: the
 * `answer-after` of a Call-Info value, else 0 (or its `delay`) for an
 * Alert-Info with `info=alert-autoanswer`; undefined when it does not ask.
 */
export function autoAnswerAfterSeconds(invite: SipRequest): number | undefined {
  for (const value of values(invite, 'Call-Info')) {
    const after = seconds(paramsOf(value).get('answer-after'));
    if (after !== undefined) return after;
  }
  for (const value of values(invite, 'Alert-Info')) {
    const params = paramsOf(value);
    if (params.get('info')?.toLowerCase() === 'alert-autoanswer') return seconds(params.get('delay')) ?? 0;
  }
  return undefined;
}
