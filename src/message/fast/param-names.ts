// The names of the parameter codes in the fast path's records (the codes: fast/layout.ts).
// fast/scan.ts writes these names into the scanners' memory, where paramCode finds a name's
// code; fast/build.ts turns a code back into its name (interned, so no string is built).

import {
  P_BRANCH, P_EXPIRES, P_ID, P_INSTANCE, P_LR, P_MADDR, P_METHOD, P_OB, P_RECEIVED, P_REFRESHER, P_REG_ID, P_RPORT,
  P_Q, P_TAG, P_TRANSPORT, P_TTL, P_USER, PARAM_CODES,
} from './layout.js';

/** Parameter names by code ('' for P_OTHER, every other name); lower case. */
export const PARAM_NAMES: readonly string[] = byCode(PARAM_CODES, [
  [P_TAG, 'tag'], [P_BRANCH, 'branch'], [P_RECEIVED, 'received'], [P_RPORT, 'rport'], [P_MADDR, 'maddr'],
  [P_TTL, 'ttl'], [P_EXPIRES, 'expires'], [P_Q, 'q'], [P_INSTANCE, '+sip.instance'], [P_REG_ID, 'reg-id'],
  [P_REFRESHER, 'refresher'], [P_ID, 'id'], [P_TRANSPORT, 'transport'], [P_LR, 'lr'], [P_OB, 'ob'], [P_USER, 'user'],
  [P_METHOD, 'method'],
]);

/** An array of `count` names ('' where none is given) from [code, name] pairs. */
export function byCode(count: number, names: readonly (readonly [number, string])[]): string[] {
  const out: string[] = [];
  for (let code = 0; code < count; code++) out.push(''); // filled by push: a packed array, no holes
  for (const [code, name] of names) out[code] = name;
  return out;
}
