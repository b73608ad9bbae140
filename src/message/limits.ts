// Size limits that keep a hostile peer from making the parser allocate or loop without bound.

export interface ParseLimits {
  /** Largest message (start line + headers + body) in bytes. */
  readonly maxMessageBytes: number;
  /** Most header fields in one message. */
  readonly maxHeaders: number;
  /** Longest start line or header field (including folded continuation lines), in bytes. */
  readonly maxLineLength: number;
}

export const DEFAULT_LIMITS: ParseLimits = Object.freeze({
  // RFC 3261 §18.1.1 keeps UDP messages under the path MTU; TCP/WS bodies can be larger
  // (multipart, big SDP). 256 KiB is generous for a softphone and bounds the framer.
  maxMessageBytes: 256 * 1024,
  maxHeaders: 256,
  maxLineLength: 16 * 1024,
});

export function resolveLimits(limits: Partial<ParseLimits> | undefined): ParseLimits {
  if (!limits) return DEFAULT_LIMITS;
  return { ...DEFAULT_LIMITS, ...limits };
}
