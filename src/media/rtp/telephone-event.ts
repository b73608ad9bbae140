// DTMF as RTP events (RFC 4733 §2.3, "telephone-event"):
//
//  0                   1                   2                   3
//  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
// |     event     |E|R| volume    |          duration             |
//
// Events 0-9 are the digits, 10 is *, 11 is #, 12-15 are A-D (§3.2).

export interface TelephoneEvent {
  readonly event: number;
  readonly end: boolean;
  /** Power level as -dBm0 (0-63). */
  readonly volume: number;
  /** Duration so far, in timestamp units. */
  readonly duration: number;
}

const DIGITS = '0123456789*#ABCD';

export function eventOfDigit(digit: string): number | undefined {
  const index = DIGITS.indexOf(digit.toUpperCase());
  return index < 0 ? undefined : index;
}

export function digitOfEvent(event: number): string | undefined {
  return DIGITS[event];
}

export function parseTelephoneEvent(payload: Uint8Array): TelephoneEvent | undefined {
  if (payload.length < 4) return undefined;
  return { event: payload[0]!, end: (payload[1]! & 0x80) !== 0, volume: payload[1]! & 0x3f, duration: (payload[2]! << 8) | payload[3]! };
}

export function serializeTelephoneEvent(event: TelephoneEvent): Uint8Array {
  const duration = Math.min(event.duration, 0xffff);
  return Uint8Array.of(event.event, (event.end ? 0x80 : 0) | (event.volume & 0x3f), duration >> 8, duration & 0xff);
}

/**
 * Received events, one per digit: §2.5.2 — packets of one event share its
 * RTP timestamp, and "the final packet ... SHOULD be repeated", so a digit
 * is known by its timestamp and reported once.
 */
export class DtmfReceiver {
  private lastTimestamp: number | undefined;
  private readonly digits: string[] = [];

  constructor(private readonly onDigit: (digit: string, event: TelephoneEvent) => void = () => undefined) {}

  receive(timestamp: number, payload: Uint8Array): void {
    const event = parseTelephoneEvent(payload);
    if (!event || timestamp === this.lastTimestamp) return;
    this.lastTimestamp = timestamp;
    const digit = digitOfEvent(event.event);
    if (digit === undefined) return;
    this.digits.push(digit);
    this.onDigit(digit, event);
  }

  get received(): string {
    return this.digits.join('');
  }
}

/** One packet's worth of a digit being sent. */
export interface EventPacket {
  readonly payload: Uint8Array;
  /** RFC 4733 §2.5.1.1: the first packet of an event has the marker bit. */
  readonly marker: boolean;
  /** The event's RTP timestamp is its start (§2.5.1.1); `start` says this packet begins an event. */
  readonly start: boolean;
}

/**
 * Digits to send, stepped by the sender once per packet time: each digit is
 * `durationMs` of event packets, the end packet three times (§2.5.1.4:
 * "the final packet ... SHOULD be repeated twice more"), then a pause of the
 * same length filled with audio.
 */
export class DtmfSender {
  private readonly queue: Array<{ event: number; done: () => void }> = [];
  private current: { event: number; done: () => void; elapsed: number; endsSent: number } | undefined;
  private pause = 0;

  constructor(private readonly packetSamples: number, private readonly durationSamples: number, private readonly volume = 10) {}

  /** Queues `digits` (0-9 * # A-D); resolves once the last one is sent. */
  send(digits: string): Promise<void> {
    const events = [...digits].map(eventOfDigit);
    if (events.some((e) => e === undefined)) return Promise.reject(new Error(`DTMF digits are 0-9, *, # and A-D, not '${digits}'`));
    return new Promise((resolve) => {
      events.forEach((event, i) => this.queue.push({ event: event!, done: i === events.length - 1 ? resolve : () => undefined }));
      if (events.length === 0) resolve();
    });
  }

  get busy(): boolean {
    return this.current !== undefined || this.queue.length > 0;
  }

  /** The event packet for this packet time, or undefined when audio goes instead. */
  next(): EventPacket | undefined {
    if (!this.current) {
      if (this.pause > 0) {
        this.pause -= this.packetSamples;
        return undefined;
      }
      const queued = this.queue.shift();
      if (!queued) return undefined;
      this.current = { ...queued, elapsed: 0, endsSent: 0 };
    }
    const current = this.current;
    const start = current.elapsed === 0;
    current.elapsed = Math.min(current.elapsed + this.packetSamples, this.durationSamples);
    const end = current.elapsed >= this.durationSamples;
    if (end) current.endsSent++;
    const payload = serializeTelephoneEvent({ event: current.event, end, volume: this.volume, duration: current.elapsed });
    if (current.endsSent >= 3) {
      this.current = undefined;
      this.pause = this.durationSamples;
      current.done();
    }
    return { payload, marker: start, start };
  }
}
