// The names of the findings diagnostics can report. Shared vocabulary: the
// fault catalogue (ua/faults.ts) says which finding each deliberate fault must
// produce; diagnostics/findings/catalogue.ts explains each one.

/** Every finding code, in catalogue order. */
export const FINDING_CODES = [
  'missing-ack', 'missing-ack-non2xx', 'missing-prack', 'unreliable-early-media', 'trying-with-to-tag',
  'no-provisional', 'request-timeout', 'unroutable-contact', 'route-set-mismatch', 'ack-cseq-mismatch',
  'cancel-after-final', 'cancel-before-provisional', 'bye-before-ack', 'rseq-violation', 'auth-loop', 'glare',
  'post-dial-delay', 'require-ignored', 'prack-failed',
  'one-way-audio', 'silent-audio', 'early-media-without-rtp', 'ice-failed', 'dtls-not-completed', 'unreachable-media-address',
] as const;

export type FindingCode = typeof FINDING_CODES[number];
