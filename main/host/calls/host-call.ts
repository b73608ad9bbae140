// One call as the host follows it: the stack's call, its media handler, and the view the
// UI gets on every change (phase, hold, early media vs local ringback, timings, how it
// ended). The view is derived from the call's own events; nothing here speaks SIP.
import type { CallEnd, CallPhase, CallTimings, CallView, TransferProgress } from '../../contract/calls.js';
import type { MediaSummary } from '../../contract/media.js';
import type { Call, CallEnded } from '../../../src/ua/call/types.js';
import { endOfCall, reasonHeaderText, type HostEndReason } from './call-words.js';
import type { RemoteSdpHandler } from '../media/remote-sdp-handler.js';

export interface HostCallOptions {
  readonly id: string;
  readonly accountId: string;
  readonly call: Call;
  readonly media: RemoteSdpHandler;
  readonly peer: { readonly display: string; readonly uri: string };
  readonly dialled?: string;
  /** The stack clock's now() at the dial (or at the INVITE's arrival), for timings. */
  readonly clockAt: number;
  /** Wall-clock ms. */
  readonly now: () => number;
  /** DTMF through the media, unless the account says INFO (or the peer did not offer telephone-event, with auto). */
  readonly dtmfMethod: 'auto' | 'rfc4733' | 'info';
  readonly onChange: (call: HostCall) => void;
  readonly replaces?: string;
  readonly autoAnswered?: boolean;
}

const TELEPHONE_EVENT = /^a=rtpmap:\d+ telephone-event\//im;

export class HostCall {
  readonly startedAt: number;
  private phase: CallPhase;
  private earlyMedia = false;
  private ringback = false;
  private answeredAt: number | undefined;
  private endedAt: number | undefined;
  private end: CallEnd | undefined;
  private transfer: TransferProgress | undefined;
  private timings: { -readonly [K in keyof CallTimings]: CallTimings[K] } = {};
  private remoteSdp: string | undefined;
  private hostEnd: HostEndReason | undefined;
  private autoAnswered: boolean;

  constructor(private readonly options: HostCallOptions) {
    this.startedAt = options.now();
    this.autoAnswered = options.autoAnswered ?? false;
    const { call } = options;
    this.phase = call.direction === 'outgoing' ? 'dialing' : 'ringing';
    const since = (at: number) => Math.max(0, Math.round(at - options.clockAt));
    call.on('trying', (e) => {
      this.timings.firstProvisional ??= since(e.at);
      if (this.phase === 'dialing') this.set('trying');
    });
    call.on('progress', (e) => {
      this.timings.firstProvisional ??= since(e.at);
      if (this.phase === 'dialing') this.set('trying');
    });
    call.on('ringing', (e) => {
      this.timings.firstProvisional ??= since(e.at);
      if (call.direction === 'outgoing' && !this.earlyMedia) this.ringback = true;
      if (this.phase === 'dialing' || this.phase === 'trying') this.set('ringing');
    });
    call.on('early-media', (e) => {
      this.timings.earlyMedia ??= since(e.at);
      this.timings.firstProvisional ??= since(e.at);
      this.remoteSdp = e.sdp;
      this.earlyMedia = true;
      // Never both: early media replaces the local ringback.
      this.ringback = false;
      if (call.direction === 'outgoing') this.set('early-media');
    });
    call.on('answered', (e) => {
      this.timings.answered = since(e.at);
      this.answeredAt = options.now();
      // Outgoing: the answer; incoming: the caller's offer. Either way the peer's description.
      if (e.sdp !== undefined) this.remoteSdp = e.sdp;
      this.ringback = false;
      this.set('answered');
    });
    call.on('held', () => this.set(call.onHold.local ? 'on-hold' : 'held-by-remote'));
    call.on('resumed', () => this.set(call.onHold.local ? 'on-hold' : call.onHold.remote ? 'held-by-remote' : 'answered'));
    call.on('session-updated', (e) => {
      if (e.sdp !== undefined) this.remoteSdp = e.sdp;
    });
    call.on('transfer-requested', () => this.set('transferring'));
    call.on('transfer-progress', (e) => {
      this.transfer = {
        role: e.role, kind: this.transfer?.kind ?? 'blind', status: e.status, words: `${e.status} ${e.reason}`.trim(), final: e.final,
        ...(e.final ? { ok: e.status >= 200 && e.status < 300 } : {}),
      };
      if (!e.final) this.set('transferring');
      else this.set(call.onHold.local ? 'on-hold' : call.onHold.remote ? 'held-by-remote' : 'answered');
    });
    call.on('ended', (ended) => this.finish(ended));
  }

  get id(): string {
    return this.options.id;
  }

  get call(): Call {
    return this.options.call;
  }

  get media(): RemoteSdpHandler {
    return this.options.media;
  }

  get accountId(): string {
    return this.options.accountId;
  }

  get ended(): boolean {
    return this.phase === 'ended';
  }

  get answered(): boolean {
    return this.answeredAt !== undefined;
  }

  /** The INVITE left (the stack's transaction for it was created). */
  inviteSent(clockAt: number): void {
    if (this.timings.inviteSent !== undefined) return;
    this.timings.inviteSent = Math.max(0, Math.round(clockAt - this.options.clockAt));
    this.options.onChange(this);
  }

  /** A media summary from the page: the first inbound packets mark "media flowing". */
  mediaReported(summary: MediaSummary): void {
    if (this.timings.mediaFlowing !== undefined || summary.inbound.packets === 0) return;
    this.timings.mediaFlowing = Math.max(0, Math.round(this.options.now() - this.startedAt));
    this.options.onChange(this);
  }

  markTransfer(kind: 'blind' | 'attended'): void {
    this.transfer = { role: 'transferor', kind, words: 'Transferring…', final: false };
    this.set('transferring');
  }

  transferFailed(words: string): void {
    this.transfer = { role: 'transferor', kind: this.transfer?.kind ?? 'blind', words, final: true, ok: false };
    this.set(this.call.onHold.local ? 'on-hold' : 'answered');
  }

  markAutoAnswered(): void {
    this.autoAnswered = true;
  }

  /** The host ends this call itself (window closed, media failed, account removed): say so when it ends. */
  endedByHost(reason: HostEndReason): void {
    this.hostEnd ??= reason;
  }

  /** How DTMF goes on this call now. */
  get dtmfMethod(): 'rfc4733' | 'info' {
    switch (this.options.dtmfMethod) {
      case 'info':
        return 'info';
      case 'rfc4733':
        return 'rfc4733';
      case 'auto':
        return this.remoteSdp !== undefined && TELEPHONE_EVENT.test(this.remoteSdp) ? 'rfc4733' : 'info';
    }
  }

  view(): CallView {
    const { call } = this.options;
    return {
      id: this.options.id,
      accountId: this.options.accountId,
      direction: call.direction,
      peer: this.options.peer,
      ...(this.options.dialled === undefined ? {} : { dialled: this.options.dialled }),
      phase: this.phase,
      hold: call.onHold,
      earlyMedia: this.earlyMedia,
      ringback: this.ringback && this.phase === 'ringing',
      startedAt: this.startedAt,
      ...(this.answeredAt === undefined ? {} : { answeredAt: this.answeredAt }),
      ...(this.endedAt === undefined ? {} : { endedAt: this.endedAt }),
      ...(this.end === undefined ? {} : { end: this.end }),
      timings: { ...this.timings },
      ...(this.transfer === undefined ? {} : { transfer: this.transfer }),
      ...(this.options.replaces === undefined ? {} : { replaces: this.options.replaces }),
      ...(this.autoAnswered ? { autoAnswered: true } : {}),
      sipCallId: call.callId,
      dtmf: this.dtmfMethod,
    };
  }

  private finish(ended: CallEnded): void {
    this.endedAt = this.options.now();
    this.ringback = false;
    this.end = endOfCall(ended, {
      direction: this.call.direction, answered: this.answered,
      ...(this.hostEnd === undefined ? {} : { host: this.hostEnd }),
      ...(ended.reasonHeader === undefined ? {} : { reasonHeader: reasonHeaderText(ended.reasonHeader) }),
    });
    this.set('ended');
  }

  private set(phase: CallPhase): void {
    if (this.phase === 'ended') return;
    this.phase = phase;
    this.options.onChange(this);
  }
}
