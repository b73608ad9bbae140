// callid = word [ "@" word ] (RFC 3261 §25), shared by Call-ID and Replaces.

import { TABLE, C_WORD } from './chars.js';
import { fault, excerpt } from './errors.js';

/** Index after the callid starting at i. */
export function readCallIdWord(s: string, i: number, end: number): number {
  let k = i;
  while (k < end && (TABLE[s.charCodeAt(k)]! & C_WORD) !== 0) k++;
  if (k === i) fault('bad-header-value', `expected a Call-ID word, found ${excerpt(s, i)}`, i);
  if (k < end && s.charCodeAt(k) === 0x40) {
    const w = k + 1;
    k = w;
    while (k < end && (TABLE[s.charCodeAt(k)]! & C_WORD) !== 0) k++;
    if (k === w) fault('bad-header-value', 'Call-ID has nothing after "@"', w);
  }
  return k;
}
