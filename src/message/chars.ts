// Character classes of the RFC 3261 §25 ABNF, as one bit table over byte values.
// Every scanner in this layer works on "byte strings" (one char per octet, codes 0-255),
// so a table lookup replaces regular expressions and cannot backtrack.

export const C_ALPHA = 1 << 0;
export const C_DIGIT = 1 << 1;
export const C_HEX = 1 << 2;
/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const C_TOKEN = 1 << 3;
/** word: token chars plus "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}" */
export const C_WORD = 1 << 4;
/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
export const C_UNRESERVED = 1 << 5;
/** user = 1*( unreserved / escaped / user-unreserved ); "%" handled separately */
export const C_USER = 1 << 6;
/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const C_PASSWORD = 1 << 7;
/** paramchar = param-unreserved / unreserved / escaped */
export const C_PARAM = 1 << 8;
/** hname / hvalue chars = hnv-unreserved / unreserved / escaped */
export const C_HNV = 1 << 9;
/** uric = reserved / unreserved / escaped (RFC 2396, used for absoluteURI) */
export const C_URIC = 1 << 10;
/** tel: phonedigit-hex / "*" / "#" / visual-separator / "+" (RFC 3966) */
export const C_TEL = 1 << 11;
/** host characters: alphanum / "-" / "." (hostname, IPv4) */
export const C_HOST = 1 << 12;
/** user characters that cannot end an addr-spec: C_USER without ";", "," and "?" */
export const C_USER_NS = 1 << 13;

const table = new Uint16Array(256);

function mark(chars: string, flags: number): void {
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flags;
}
function markRange(from: string, to: string, flags: number): void {
  for (let c = from.charCodeAt(0); c <= to.charCodeAt(0); c++) table[c]! |= flags;
}

const ALNUM_FLAGS = C_TOKEN | C_WORD | C_UNRESERVED | C_USER | C_USER_NS | C_PASSWORD | C_PARAM | C_HNV | C_URIC | C_HOST;
markRange('a', 'z', C_ALPHA | ALNUM_FLAGS);
markRange('A', 'Z', C_ALPHA | ALNUM_FLAGS);
markRange('0', '9', C_DIGIT | C_HEX | C_TEL | ALNUM_FLAGS);
markRange('a', 'f', C_HEX | C_TEL);
markRange('A', 'F', C_HEX | C_TEL);
mark('-.!%*_+`\'~', C_TOKEN | C_WORD);
mark('()<>:\\"/[]?{}', C_WORD);
mark('-_.!~*\'()', C_UNRESERVED | C_USER | C_USER_NS | C_PASSWORD | C_PARAM | C_HNV | C_URIC);
mark('&=+$,;?/', C_USER);
mark('&=+$/', C_USER_NS);
mark('&=+$,', C_PASSWORD);
mark('[]/:&+$', C_PARAM);
mark('[]/?:+$', C_HNV);
mark(';/?:@&=+$,', C_URIC);
mark('%', C_URIC);
mark('*#-.()+', C_TEL);
mark('-.', C_HOST);

/**
 * A 0/1 table of the bytes in any of the classes `flags`. The fast path keeps its own
 * copies in module-local constants: indexing a local Uint8Array in a hot loop costs less
 * than reading TABLE through an import binding.
 */
export function classTable(flags: number): Uint8Array {
  const t = new Uint8Array(256);
  for (let c = 0; c < 256; c++) t[c] = (table[c]! & flags) !== 0 ? 1 : 0;
  return t;
}

export function charFlags(code: number): number {
  return table[code & 0xff]!;
}

export function is(code: number, flags: number): boolean {
  return (table[code]! & flags) !== 0;
}

export const TABLE: Readonly<Uint16Array> = table;

export const SP = 0x20;
export const HT = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

export function isHexCode(code: number): boolean {
  return (table[code]! & C_HEX) !== 0;
}
