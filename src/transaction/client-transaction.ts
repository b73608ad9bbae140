import type { SipResponse } from '../message/index.js';
import type { TransportError } from '../transport/transport.js';

/** What a client transaction tells its user (the UA core, or a test). */
export interface ClientTransactionUser {
  /**
   * A response the transaction passes up: provisional and final responses,
   * and (RFC 6026 §8.4) every 2xx that arrives while the INVITE transaction
   * is Accepted, so the UA core can ACK each retransmitted 2xx.
   */
  onResponse(response: SipResponse): void;
  /** Timer B or F fired without a final response (§8.1.3.1: act as on a 408). */
  onTimeout(): void;
  /** The request could not be sent (§8.1.3.1: act as on a 503). */
  onTransportError(error: TransportError): void;
}
