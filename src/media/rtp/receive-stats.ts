// What a receiver knows about one RTP source, as RFC 3550 Appendix A does it:
// sequence numbers with wrap-around, probation and restarts (A.1), expected
// and lost packets and the fraction lost since the last report (A.3), and the
// interarrival jitter (A.8).

const RTP_SEQ_MOD = 1 << 16;
/** A.1: "a source is declared valid only after MIN_SEQUENTIAL packets have been received in sequence". */
const MIN_SEQUENTIAL = 2;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;

/** One report block's worth (RFC 3550 §6.4.1). */
export interface ReceptionReport {
  readonly fractionLost: number;
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  readonly jitter: number;
}

export class ReceiveStats {
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = MIN_SEQUENTIAL;
  private received = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit: number | undefined;
  /** A.8 jitter, in timestamp units, as a float (reports carry it truncated). */
  private jitterUnits = 0;

  constructor(readonly clockRate: number, firstSequence: number) {
    // A.1: "init_seq(s, seq); s->max_seq = seq - 1; s->probation = MIN_SEQUENTIAL;"
    this.initSeq(firstSequence);
    this.maxSeq = (firstSequence - 1) & 0xffff;
  }

  /** A.1 update_seq: false when the packet is not (yet) counted (probation, a jump being confirmed). */
  updateSequence(seq: number): boolean {
    const udelta = (seq - this.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.received++;
          return true;
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return false;
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap; "Sequence number wrapped - count another 64K cycle."
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // "the sequence number made a very large jump": two sequential packets mean the source restarted.
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
        return false;
      }
    }
    // Otherwise a duplicate or reordered packet: counted, max_seq unchanged.
    this.received++;
    return true;
  }

  /**
   * A.8: "int transit = arrival - r->ts; int d = transit - s->transit;
   * s->transit = transit; if (d < 0) d = -d; s->jitter += (1./16.) * ((double)d - s->jitter);"
   * `arrivalMs` on any steady clock; it is converted to timestamp units.
   */
  updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = (arrivalMs * this.clockRate) / 1000;
    const transit = arrival - timestamp;
    if (this.transit !== undefined) {
      // Timestamps wrap at 2^32: take the difference modulo 2^32, centred on zero.
      let d = transit - this.transit;
      d = ((d % 2 ** 32) + 2 ** 32 + 2 ** 31) % 2 ** 32 - 2 ** 31;
      this.jitterUnits += (Math.abs(d) - this.jitterUnits) / 16;
    }
    this.transit = transit;
  }

  /** A.3: extended highest sequence number, expected and lost packets. */
  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.probation > 0 ? 0 : this.extendedMax - this.baseSeq + 1;
  }

  /** Packets counted by A.1 (duplicates included, as the RFC does). */
  get receivedCount(): number {
    return this.received;
  }

  /** A.3 "cumulative number of packets lost": expected - received (negative with duplicates). */
  get lost(): number {
    return this.expected - this.received;
  }

  get jitterMs(): number {
    return (this.jitterUnits / this.clockRate) * 1000;
  }

  /** A report block for an RTCP SR/RR; advances the "since the last report" counters (A.3). */
  report(): ReceptionReport {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.received - this.receivedPrior;
    this.receivedPrior = this.received;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    // §6.4.1: the cumulative number is a 24-bit signed integer.
    const cumulativeLost = Math.max(-0x800000, Math.min(0x7fffff, this.lost));
    return { fractionLost, cumulativeLost, extendedHighestSequence: this.extendedMax >>> 0, jitter: Math.floor(this.jitterUnits) };
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.received = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }
}
