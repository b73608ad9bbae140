// The names of the transaction timers, as the diagnostics stream reports them.

/**
 * RFC 3261 / RFC 6026 timers, plus `Trying`: the 200 ms an INVITE server
 * transaction waits for its TU before sending 100 Trying itself (§17.2.1).
 */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';
