// Serialization. A SipMessage is immutable and always backed by its exact wire bytes (as
// received, or as produced by a builder), so serializing it is exact by construction:
// a parsed-but-unmodified message serializes to its original bytes.

import type { SipMessage } from './message.js';

/** The message's bytes, exactly as received (parsed) or built. */
export function serializeMessage(message: SipMessage): Uint8Array {
  return message.toBytes();
}

/** The message as text (UTF-8 decoded), e.g. for a WebSocket text frame. */
export function serializeMessageText(message: SipMessage): string {
  return message.toString();
}
