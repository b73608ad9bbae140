// One plain RTP audio stream on a pair of sockets: the sender (G.711 at the
// agreed packet time, paced by the clock, RFC 4733 events in place of audio
// while a digit plays), the receiver (decode, RFC 3550 statistics per source,
// symmetric RTP latching) and RTCP (SR/RR with SDES, the peer's reports about
// us, BYE at the end).
import type { RemoteInfo } from 'node:dgram';
import { decodeG711, encodeG711 } from '../audio/g711.js';
import { NARROWBAND_RATE } from '../audio/audio-frame.js';
import type { PeerReport } from '../measure/measurements.js';
import { parseRtp, looksLikeRtcp, randomUint32, serializeRtp } from './rtp-packet.js';
import { ReceiveStats } from './receive-stats.js';
import { buildCompound, ntpMiddle, ntpNow, parseCompound, roundTripMs, type ReportBlock } from './rtcp.js';
import type { RtpSockets } from './rtp-sockets.js';
import type { RtpCodec } from './rtp-sdp.js';
import { DtmfReceiver, DtmfSender } from './telephone-event.js';

export interface RtpStreamConfig {
  readonly codec: RtpCodec;
  readonly dtmfPayloadType?: number;
  readonly ptimeMs: number;
  readonly remoteAddress: string;
  readonly remoteRtpPort: number;
  readonly remoteRtcpPort: number;
  readonly rtcpMux: boolean;
  readonly send: boolean;
  readonly receive: boolean;
}

export interface RtpStreamHooks {
  now(): number;
  readSource(out: Int16Array, sampleRate: number): void;
  deliver(samples: Int16Array, sampleRate: number): void;
  dtmf(digit: string): void;
}

export interface RtpStreamOptions {
  /** RFC 3550 §6.2 recommends a 5 s minimum between reports; tests may ask for less. */
  readonly rtcpIntervalMs?: number;
  /** Send to where the peer's RTP comes from when that differs from its SDP (default true). */
  readonly symmetric?: boolean;
  readonly dtmfDurationMs?: number;
}

interface Counter { packets: number; bytes: number; first?: number; last?: number }

/** At most this many packets go out at once when the timer was late; older ones are skipped (the timestamp still advances). */
const MAX_BURST = 5;

export class RtpStream {
  private config: RtpStreamConfig | undefined;
  private readonly ssrc = randomUint32();
  private sequence = randomUint32() & 0xffff;
  private timestamp = randomUint32();
  private readonly cname = `callscope-${randomUint32().toString(16)}`;
  private sendTimer: NodeJS.Timeout | undefined;
  private rtcpTimer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private ticks = 0;
  private firstPacket = true;
  private latched: { address: string; port: number } | undefined;
  private readonly sent: Counter = { packets: 0, bytes: 0 };
  private readonly received: Counter = { packets: 0, bytes: 0 };
  private sentSinceReport = false;
  private readonly sources = new Map<number, { stats: ReceiveStats; lastSr?: { middle: number; arrivedAt: number } }>();
  private lastSource: ReceiveStats | undefined;
  private peer: { reports: number; block: ReportBlock; roundTripMs?: number } | undefined;
  private readonly rtcpCount = { sent: 0, received: 0 };
  private dtmfSender: DtmfSender | undefined;
  /** RFC 4733 §2.5.1.1: every packet of an event carries the timestamp of its start. */
  private eventTimestamp = 0;
  private readonly dtmfReceiver: DtmfReceiver;
  private stopped = false;

  constructor(private readonly sockets: RtpSockets, private readonly hooks: RtpStreamHooks, private readonly options: RtpStreamOptions = {}) {
    this.dtmfReceiver = new DtmfReceiver((digit) => hooks.dtmf(digit));
    sockets.rtp.on('message', (data, from) => this.receive(data, from, false));
    sockets.rtcp.on('message', (data, from) => this.receive(data, from, true));
    // Sending to a closed port can surface as an error on the socket: the stream carries on.
    sockets.rtp.on('error', () => undefined);
    sockets.rtcp.on('error', () => undefined);
  }

  /** Applies the agreed session (first answer, re-INVITE, hold); starts or stops sending. */
  configure(config: RtpStreamConfig): void {
    if (this.stopped) return;
    const codecChanged = this.config?.codec.payloadType !== config.codec.payloadType || this.config?.ptimeMs !== config.ptimeMs;
    this.config = config;
    if (config.remoteAddress !== this.latched?.address) this.latched = undefined;
    if (codecChanged) this.dtmfSender = new DtmfSender(this.packetSamples, (NARROWBAND_RATE * (this.options.dtmfDurationMs ?? 100)) / 1000);
    if (config.send && config.remoteRtpPort > 0) this.startSending(codecChanged);
    else this.stopSending();
    this.rtcpTimer ??= this.scheduleRtcp(true);
  }

  get latchedTo(): string | undefined {
    return this.latched ? `${this.latched.address}:${this.latched.port}` : undefined;
  }

  sendDtmf(digits: string): Promise<void> {
    if (!this.config || !this.dtmfSender) return Promise.reject(new Error('no RTP session is agreed yet'));
    if (this.config.dtmfPayloadType === undefined) return Promise.reject(new Error('the peer did not offer telephone-event (RFC 4733): send the digits as SIP INFO'));
    if (!this.config.send) return Promise.reject(new Error('the stream is not sending (on hold)'));
    return this.dtmfSender.send(digits);
  }

  measurements(): {
    sent: Counter; received: Counter & { lost: number; jitterMs?: number }; peer?: PeerReport; rtcp: { sent: number; received: number }; dtmf: string;
  } {
    let lost = 0;
    for (const { stats } of this.sources.values()) lost += Math.max(0, stats.lost);
    const peer = this.peer;
    return {
      sent: { ...this.sent },
      received: { ...this.received, lost, ...(this.lastSource ? { jitterMs: round2(this.lastSource.jitterMs) } : {}) },
      ...(peer ? {
        peer: {
          reports: peer.reports, packetsLost: Math.max(0, peer.block.cumulativeLost), fractionLost: peer.block.fractionLost / 256,
          jitterMs: round2((peer.block.jitter / NARROWBAND_RATE) * 1000),
          ...(peer.roundTripMs === undefined ? {} : { roundTripMs: round2(peer.roundTripMs) }),
        },
      } : {}),
      rtcp: { ...this.rtcpCount },
      dtmf: this.dtmfReceiver.received,
    };
  }

  /** Stops sending; a last report with BYE goes to the peer (RFC 3550 §6.6). */
  stop(): void {
    if (this.stopped) return;
    this.stopSending();
    if (this.rtcpTimer) clearTimeout(this.rtcpTimer);
    if (this.config) this.sendRtcp(true);
    this.stopped = true;
  }

  private get packetSamples(): number {
    return ((this.config?.ptimeMs ?? 20) * NARROWBAND_RATE) / 1000;
  }

  private startSending(restart: boolean): void {
    if (this.sendTimer && !restart) return;
    this.stopSending();
    this.startedAt = this.hooks.now();
    this.ticks = 0;
    const ptime = this.config!.ptimeMs;
    // Paced by the clock, not by the timer: a late timer sends what is due (RFC 3550 §5.1 timestamps follow the sampling clock).
    this.sendTimer = setInterval(() => this.sendDue(), Math.max(5, ptime / 2));
    this.sendTimer.unref();
    this.sendDue();
  }

  private stopSending(): void {
    if (this.sendTimer) clearInterval(this.sendTimer);
    this.sendTimer = undefined;
  }

  private sendDue(): void {
    const config = this.config;
    if (!config) return;
    const due = Math.floor((this.hooks.now() - this.startedAt) / config.ptimeMs) + 1;
    if (due - this.ticks > MAX_BURST) {
      const skipped = due - this.ticks - MAX_BURST;
      this.timestamp = (this.timestamp + skipped * this.packetSamples) >>> 0;
      this.ticks += skipped;
    }
    while (this.ticks < due) {
      this.ticks++;
      this.sendPacket(config);
    }
  }

  private sendPacket(config: RtpStreamConfig): void {
    const samples = new Int16Array(this.packetSamples);
    // The source is read even while a digit plays, so a file or tone keeps its place in time.
    this.hooks.readSource(samples, NARROWBAND_RATE);
    const event = config.dtmfPayloadType === undefined ? undefined : this.dtmfSender?.next();
    if (event?.start) this.eventTimestamp = this.timestamp;
    const payload = event ? event.payload : encodeG711(config.codec.name, samples);
    const packet = serializeRtp({
      marker: event ? event.marker : this.firstPacket,
      payloadType: event ? config.dtmfPayloadType! : config.codec.payloadType,
      sequenceNumber: this.sequence,
      timestamp: event ? this.eventTimestamp : this.timestamp,
      ssrc: this.ssrc,
      payload,
    });
    this.firstPacket = false;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + this.packetSamples) >>> 0;
    const to = this.latched ?? { address: config.remoteAddress, port: config.remoteRtpPort };
    this.sockets.rtp.send(packet, to.port, to.address);
    const now = this.hooks.now();
    this.sent.packets++;
    this.sent.bytes += payload.length;
    this.sent.first ??= now;
    this.sent.last = now;
    this.sentSinceReport = true;
  }

  private receive(data: Buffer, from: RemoteInfo, onRtcpPort: boolean): void {
    if (this.stopped || !this.config) return;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (onRtcpPort || looksLikeRtcp(bytes)) {
      this.receiveRtcp(bytes);
      return;
    }
    const packet = parseRtp(bytes);
    const config = this.config;
    if (!packet || !config.receive) return;
    const isAudio = packet.payloadType === config.codec.payloadType;
    const isEvent = packet.payloadType === config.dtmfPayloadType;
    if (!isAudio && !isEvent) return;
    // Symmetric RTP: answer to where the peer's packets really come from (a NAT, an SBC that moved the media).
    if (this.options.symmetric !== false && (from.address !== config.remoteAddress || from.port !== config.remoteRtpPort)) {
      this.latched = { address: from.address, port: from.port };
    }
    const now = this.hooks.now();
    let source = this.sources.get(packet.ssrc);
    if (!source) {
      source = { stats: new ReceiveStats(NARROWBAND_RATE, packet.sequenceNumber) };
      this.sources.set(packet.ssrc, source);
    }
    source.stats.updateSequence(packet.sequenceNumber);
    this.lastSource = source.stats;
    this.received.packets++;
    this.received.bytes += packet.payload.length;
    this.received.first ??= now;
    this.received.last = now;
    if (isEvent) {
      this.dtmfReceiver.receive(packet.timestamp, packet.payload);
      return;
    }
    // A.8 jitter from audio packets only: an event's packets all carry its start timestamp (RFC 4733 §2.5.1.1).
    source.stats.updateJitter(packet.timestamp, now);
    this.hooks.deliver(decodeG711(config.codec.name, packet.payload), NARROWBAND_RATE);
  }

  private receiveRtcp(bytes: Uint8Array): void {
    const packets = parseCompound(bytes);
    if (!packets) return;
    this.rtcpCount.received++;
    const arrival = ntpNow();
    for (const packet of packets) {
      if (packet.type === 'sr') {
        const source = this.sources.get(packet.ssrc);
        if (source) source.lastSr = { middle: ntpMiddle(packet.sender.ntp), arrivedAt: this.hooks.now() };
      }
      if (packet.type === 'sr' || packet.type === 'rr') {
        const block = packet.reports.find((b) => b.ssrc === this.ssrc);
        if (block) {
          const rtt = roundTripMs(block, arrival);
          this.peer = { reports: (this.peer?.reports ?? 0) + 1, block, ...(rtt === undefined ? {} : { roundTripMs: rtt }) };
        }
      }
    }
  }

  /** RFC 3550 §6.3.1: the interval is randomized over [0.5, 1.5] times the computed one; the first report may come after half (§6.2). */
  private scheduleRtcp(initial: boolean): NodeJS.Timeout {
    const interval = this.options.rtcpIntervalMs ?? 5000;
    const delay = (initial ? interval / 2 : interval) * (0.5 + Math.random());
    const timer = setTimeout(() => {
      this.sendRtcp(false);
      this.rtcpTimer = this.scheduleRtcp(false);
    }, delay);
    timer.unref();
    return timer;
  }

  private sendRtcp(bye: boolean): void {
    const config = this.config;
    if (!config || config.remoteRtpPort === 0 || this.stopped) return;
    const now = this.hooks.now();
    const reports: ReportBlock[] = [];
    for (const [ssrc, source] of this.sources) {
      if (source.stats.expected === 0) continue;
      const lastSr = source.lastSr;
      reports.push({
        ssrc, ...source.stats.report(),
        lastSr: lastSr?.middle ?? 0,
        // DLSR "expressed in units of 1/65536 seconds"
        delaySinceLastSr: lastSr ? Math.round(((now - lastSr.arrivedAt) / 1000) * 65536) : 0,
      });
    }
    const sender = this.sentSinceReport ? {
      ntp: ntpNow(),
      rtpTimestamp: (this.timestamp + Math.round(((now - (this.sent.last ?? now)) / 1000) * NARROWBAND_RATE)) >>> 0,
      packetCount: this.sent.packets, octetCount: this.sent.bytes,
    } : undefined;
    this.sentSinceReport = false;
    const packet = buildCompound({ ssrc: this.ssrc, cname: this.cname, reports, bye, ...(sender ? { sender } : {}) });
    const rtp = this.latched ?? { address: config.remoteAddress, port: config.remoteRtpPort };
    const port = config.rtcpMux ? rtp.port : this.latched ? this.latched.port + 1 : config.remoteRtcpPort;
    (config.rtcpMux ? this.sockets.rtp : this.sockets.rtcp).send(packet, port, rtp.address);
    this.rtcpCount.sent++;
  }
}

const round2 = (x: number) => Math.round(x * 100) / 100;
