// Header values read off raw message bytes without parsing the message: what
// the live recorder and the streaming analysis group messages by before (or
// without) a full parse. RFC 3261 §20.8: `Call-ID` or its compact form `i`.

const MAX_SCAN = 16 * 1024;

function lower(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** Where the header name at `start` ends if it is `name` or `compact` (then spaces and a colon follow), else -1. */
function nameEnd(raw: Uint8Array, start: number, end: number, name: string, compact: string | undefined): number {
  const first = lower(raw[start]!);
  // The compact form first; a full name may begin with the compact letter (`c`, Content-Type).
  if (compact !== undefined && first === compact.charCodeAt(0)) {
    const after = colonAfter(raw, start + 1, end);
    if (after >= 0) return after;
  }
  if (first !== name.charCodeAt(0) || start + name.length > end) return -1;
  for (let k = 1; k < name.length; k++) if (lower(raw[start + k]!) !== name.charCodeAt(k)) return -1;
  return colonAfter(raw, start + name.length, end);
}

/** Past spaces and the colon that must follow a header name at `i`, or -1. */
function colonAfter(raw: Uint8Array, i: number, end: number): number {
  while (i < end && (raw[i] === 0x20 || raw[i] === 0x09)) i++;
  return i < end && raw[i] === 0x3a ? i + 1 : -1;
}

function valueAt(raw: Uint8Array, start: number, end: number): string | undefined {
  let a = start;
  let b = end;
  while (a < b && (raw[a] === 0x20 || raw[a] === 0x09)) a++;
  while (b > a && (raw[b - 1] === 0x20 || raw[b - 1] === 0x09)) b--;
  if (a === b) return undefined;
  return String.fromCharCode.apply(null, raw.subarray(a, b) as unknown as number[]);
}

/**
 * The first values (trimmed) of the headers named in `wanted` (lower case, with an
 * optional compact form), in one pass over the header section.
 */
export function scanHeaders(raw: Uint8Array, wanted: ReadonlyArray<readonly [string, string | undefined]>): Array<string | undefined> {
  const found: Array<string | undefined> = new Array<string | undefined>(wanted.length).fill(undefined);
  let missing = wanted.length;
  const end = Math.min(raw.length, MAX_SCAN);
  let line = raw.indexOf(0x0a) + 1;
  while (line > 0 && line < end && missing > 0) {
    let next = raw.indexOf(0x0a, line);
    if (next < 0 || next > end) next = end;
    const lineEnd = next > line && raw[next - 1] === 0x0d ? next - 1 : next;
    if (lineEnd === line) break; // the blank line: end of the headers
    for (let w = 0; w < wanted.length; w++) {
      if (found[w] !== undefined) continue;
      const value = nameEnd(raw, line, lineEnd, wanted[w]![0], wanted[w]![1]);
      if (value < 0) continue;
      found[w] = valueAt(raw, value, lineEnd);
      missing--;
      break;
    }
    line = next + 1;
  }
  return found;
}

/** The first value (trimmed) of the header `name` (lower case) or its compact form, or undefined. */
export function scanHeader(raw: Uint8Array, name: string, compact?: string): string | undefined {
  return scanHeaders(raw, [[name, compact]])[0];
}

/** The Call-ID value (trimmed), or undefined when the header section has none. */
export function scanCallId(raw: Uint8Array): string | undefined {
  return scanHeader(raw, 'call-id', 'i');
}
