// The names of the findings diagnostics can report. Shared vocabulary: the
// fault catalogue (ua/faults.ts) says which finding each deliberate fault must
// produce; diagnostics/findings/catalogue.ts explains each one.

/** Every finding code, in catalogue order. */
export const FINDING_CODES = [
  'missing-ack', 'missing-ack-non2xx', 'missing-prack', 'unreliable-early-media', 'trying-with-to-tag',
  'no-provisional', 'request-timeout', 'unroutable-contact', 'route-set-mismatch', 'ack-cseq-mismatch',
  'cancel-after-final', 'cancel-before-provisional', 'bye-before-ack', 'rseq-violation', 'auth-loop', 'glare',
  'post-dial-delay', 'require-ignored', 'prack-failed',
] as const;

export type FindingCode = typeof FINDING_CODES[number];
