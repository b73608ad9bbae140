// A call's states (ua/call), as the diagnostics stream names them.

export type CallState =
  /** UAC: INVITE sent, nothing back yet. */
  | 'calling'
  /** UAC: a provisional arrived. UAS: INVITE received, nothing but 100 sent. */
  | 'proceeding'
  /** An early dialog exists (a 1xx with a To tag). */
  | 'early'
  /** UAS: answer() called; the 2xx waits for outstanding PRACKs. */
  | 'answering'
  /** UAC: 2xx received and ACKed. UAS: 2xx sent, waiting for the ACK. */
  | 'answered'
  /** UAS: the ACK arrived. */
  | 'confirmed'
  /** UAC: CANCEL queued or sent, waiting for the INVITE's final response. */
  | 'cancelling'
  /** BYE sent, waiting for its response. */
  | 'ending'
  | 'ended';
