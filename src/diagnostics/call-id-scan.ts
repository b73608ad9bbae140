// The Call-ID of raw message bytes without parsing the message: what the live
// recorder and the streaming analysis group messages by before (or without)
// a full parse. RFC 3261 §20.8: `Call-ID` or its compact form `i`.

const MAX_SCAN = 16 * 1024;

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Where the header name at `start` ends if it is `Call-ID` or `i` (then spaces and a colon follow), else -1. */
function callIdNameEnd(raw: Uint8Array, start: number, end: number): number {
  const first = lower(raw[start]!);
  let i: number;
  if (first === 0x69 /* i */) {
    i = start + 1;
  } else if (first === 0x63 /* c */ && start + 7 <= end) {
    const name = 'call-id';
    for (let k = 0; k < 7; k++) if (lower(raw[start + k]!) !== name.charCodeAt(k)) return -1;
    i = start + 7;
  } else {
    return -1;
  }
  while (i < end && (raw[i] === 0x20 || raw[i] === 0x09)) i++;
  return i < end && raw[i] === 0x3a ? i + 1 : -1;
}

/** The Call-ID value (trimmed), or undefined when the header section has none. */
export function scanCallId(raw: Uint8Array): string | undefined {
  const end = Math.min(raw.length, MAX_SCAN);
  let line = raw.indexOf(0x0a) + 1;
  while (line > 0 && line < end) {
    let next = raw.indexOf(0x0a, line);
    if (next < 0 || next > end) next = end;
    const lineEnd = next > line && raw[next - 1] === 0x0d ? next - 1 : next;
    if (lineEnd === line) return undefined; // the blank line: end of the headers
    const value = callIdNameEnd(raw, line, lineEnd);
    if (value >= 0) {
      let a = value;
      let b = lineEnd;
      while (a < b && (raw[a] === 0x20 || raw[a] === 0x09)) a++;
      while (b > a && (raw[b - 1] === 0x20 || raw[b - 1] === 0x09)) b--;
      if (a === b) return undefined;
      let text = '';
      for (let k = a; k < b; k++) text += String.fromCharCode(raw[k]!);
      return text;
    }
    line = next + 1;
  }
  return undefined;
}
