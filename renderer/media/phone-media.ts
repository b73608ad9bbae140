// The page as the phone's media owner: it claims the media from the host, answers the
// host's media requests with one CallMedia per call, reports each call's media summary a
// few times a second, and moves every call to a new microphone or speaker when the user
// picks one (replaceTrack / setSinkId: the call and its audio go on, nothing is renegotiated).
import type { AppApi, AppEvent, MediaOwnerState, MediaReply, MediaRequest } from '../../main/contract/app-api.js';
import { CallMedia } from './call-media.js';
import type { Devices } from './devices.js';
import { summarize, type StatsEntry } from './media-stats.js';
import type { MediaSummary } from '../../main/contract/media.js';

export interface PhoneMediaOptions {
  readonly api: AppApi;
  readonly devices: Devices;
  /** How long ICE gathering may hold an offer or answer back, ms. */
  readonly gatherBoundMs?: number;
  /** How often each call's stats are reported, ms. */
  readonly statsEveryMs?: number;
  readonly audioHost?: HTMLElement;
}

export const DEFAULT_GATHER_BOUND_MS = 1000;

export class PhoneMedia {
  readonly pageId = randomPageId();
  private readonly calls = new Map<string, CallMedia>();
  private state: MediaOwnerState = { owner: false, elsewhere: false };
  private readonly listeners = new Set<() => void>();
  private statsTimer: ReturnType<typeof setInterval> | undefined;
  private readonly offs: Array<() => void> = [];
  private readonly summaryListeners = new Set<(summary: MediaSummary) => void>();
  private reporting = false;

  constructor(private readonly options: PhoneMediaOptions) {
    this.offs.push(options.api.onEvent((event) => this.receive(event)));
    this.offs.push(options.devices.onChange(() => void this.followDevices()));
  }

  get owner(): MediaOwnerState {
    return this.state;
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ask to be the phone (again, after the host connection came back). */
  async claim(force = false): Promise<MediaOwnerState> {
    const result = await this.options.api.claimMediaOwner({ pageId: this.pageId, force });
    if (result.ok) this.setState(result.value);
    return this.state;
  }

  /** Each call's media summary, as it is reported to the host (the UI's live quality). */
  onSummary(listener: (summary: MediaSummary) => void): () => void {
    this.summaryListeners.add(listener);
    return () => this.summaryListeners.delete(listener);
  }

  isMuted(callId: string): boolean {
    return this.calls.get(callId)?.isMuted ?? false;
  }

  media(callId: string): CallMedia | undefined {
    return this.calls.get(callId);
  }

  setMuted(callId: string, muted: boolean): void {
    this.calls.get(callId)?.setMuted(muted);
    this.changed();
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    clearInterval(this.statsTimer);
    for (const media of this.calls.values()) media.close();
    this.calls.clear();
  }

  private receive(event: AppEvent): void {
    if (event.type === 'media-owner') this.setState(event.state);
    if (event.type === 'media-request') void this.handle(event.requestId, event.request);
  }

  private async handle(requestId: number, request: MediaRequest): Promise<void> {
    let reply: MediaReply;
    try {
      reply = await this.perform(request);
    } catch (error) {
      reply = { ok: false, error: describeError(error) };
    }
    // A failed answer means the host is gone; it gives up on the request by itself.
    await this.options.api.answerMediaRequest({ requestId, reply }).catch(() => undefined);
  }

  private async perform(request: MediaRequest): Promise<MediaReply> {
    switch (request.kind) {
      case 'create-offer':
        return { ok: true, sdp: await this.callMedia(request.callId).createOffer(request.direction, request.iceServers) };
      case 'create-answer':
        return { ok: true, sdp: await this.callMedia(request.callId).createAnswer(request.offer, request.direction, request.iceServers) };
      case 'apply-answer':
        await this.existing(request.callId).applyAnswer(request.sdp, request.provisional, request.dialog);
        return { ok: true };
      case 'rollback':
        await this.existing(request.callId).rollback();
        return { ok: true };
      case 'send-dtmf':
        await this.existing(request.callId).sendDtmf(request.tones, request.durationMs);
        return { ok: true };
      case 'close':
        this.calls.get(request.callId)?.close();
        this.calls.delete(request.callId);
        if (this.calls.size === 0) {
          this.options.devices.release();
          clearInterval(this.statsTimer);
          this.statsTimer = undefined;
        }
        this.changed();
        return { ok: true };
    }
  }

  private callMedia(callId: string): CallMedia {
    let media = this.calls.get(callId);
    if (media === undefined) {
      media = new CallMedia({
        callId,
        microphone: () => this.options.devices.microphoneTrack(),
        speakerId: () => this.options.devices.sinkFor('speaker'),
        gatherBoundMs: this.options.gatherBoundMs ?? DEFAULT_GATHER_BOUND_MS,
        attachAudio: (element) => (this.options.audioHost ?? document.body).append(element),
      });
      this.calls.set(callId, media);
      this.statsTimer ??= setInterval(() => void this.reportStats(), this.options.statsEveryMs ?? 500);
      this.changed();
    }
    return media;
  }

  private existing(callId: string): CallMedia {
    const media = this.calls.get(callId);
    if (media === undefined) throw new Error(`this page has no media for call ${callId}`);
    return media;
  }

  /** One round at a time: a slow getStats never piles rounds up; a closed connection is skipped, not fatal. */
  private async reportStats(): Promise<void> {
    if (this.reporting) return;
    this.reporting = true;
    try {
      for (const [callId, media] of [...this.calls]) {
        const pc = media.connection;
        if (pc === undefined || media.closed) continue;
        try {
          const report = await pc.getStats();
          const entries: StatsEntry[] = [];
          report.forEach((entry: StatsEntry) => entries.push(entry));
          const summary = summarize(callId, entries, { iceState: pc.iceConnectionState, muted: media.isMuted, at: Date.now() });
          for (const listener of [...this.summaryListeners]) listener(summary);
          await this.options.api.reportMedia(summary);
        } catch {
          // The call closed while its stats were read: its next round does not come.
        }
      }
    } finally {
      this.reporting = false;
    }
  }

  private async followDevices(): Promise<void> {
    if (this.calls.size === 0) return;
    try {
      const track = await this.options.devices.microphoneTrack();
      for (const media of this.calls.values()) {
        await media.replaceMicrophone(track);
        await media.setSpeaker(this.options.devices.sinkFor('speaker'));
      }
    } catch (error) {
      this.deviceError = describeError(error);
      this.changed();
    }
  }

  /** The last failure to move the calls to a new device, in words. */
  deviceError: string | undefined;

  private setState(state: MediaOwnerState): void {
    this.state = state;
    this.changed();
  }

  private changed(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

function randomPageId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function describeError(error: unknown): string {
  if (error instanceof DOMException) return `${error.name}: ${error.message}`.slice(0, 1000);
  return (error instanceof Error ? error.message : String(error)).slice(0, 1000) || 'unknown media error';
}
