// The parameter codes of the fast path's records: a name's index in PARAM_NAMES
// (fast/wasm/scanner.ts has the same numbers, and names more of them).
// Parameters are recorded as a count, then per parameter [code, nameStart, nameEnd,
// valueStart (-1 if none), valueEnd], where `code` tells the names the stack looks at (tag,
// branch, expires, ...) apart without comparing strings again, and lets fast/build.ts use
// interned names.

/** Parameter names with a code (index); 0 is every other name. */
export const PARAM_NAMES = [
  '', 'tag', 'branch', 'received', 'rport', 'maddr', 'ttl', 'expires', 'q', '+sip.instance', 'reg-id', 'refresher', 'id',
  'transport', 'lr', 'ob', 'user', 'method',
] as const;
export const P_TAG = 1;
export const P_BRANCH = 2;
export const P_RECEIVED = 3;
export const P_RPORT = 4;
export const P_EXPIRES = 7;
export const P_Q = 8;
export const P_INSTANCE = 9;
export const P_REG_ID = 10;
export const P_OB = 15;

/** Per parameter in a record. */
export const PARAM_SIZE = 5;
