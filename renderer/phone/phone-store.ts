// The phone's state in the page: settings, every account's registration status, the calls
// (as the host's `call-updated` events describe them), history, live quality, and whether
// this page owns the media. One immutable snapshot, replaced on every change, read by
// components through useSyncExternalStore. It also drives the local tones from the calls.
import type {
  AccountStatus, AppApi, AppEvent, CallView, HistoryEntry, MediaOwnerState, SettingsView, TestLineView,
} from '../../main/contract/app-api.js';
import { TEST_LINE_ACCOUNT_ID } from '../../main/contract/test-line.js';
import { tonesFor } from '../lib/call-text.js';
import { nextQuality, type QualityState } from '../lib/quality.js';
import type { PhoneMedia } from '../media/phone-media.js';
import type { Tones } from '../media/tones.js';

export interface PhoneNotice {
  readonly id: number;
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
}

export interface DialRequest {
  readonly target: string;
  readonly dial: boolean;
  readonly seq: number;
}

export interface PhoneSnapshot {
  readonly settings: SettingsView | undefined;
  /** The built-in test line (its account is listed with the saved ones while it runs). */
  readonly testLine: TestLineView | undefined;
  readonly statuses: ReadonlyMap<string, AccountStatus>;
  /** Oldest first; ended calls stay until dismissed (at most a few). */
  readonly calls: readonly CallView[];
  readonly history: readonly HistoryEntry[];
  readonly missed: number;
  readonly quality: ReadonlyMap<string, QualityState>;
  readonly muted: ReadonlySet<string>;
  readonly media: MediaOwnerState;
  readonly notices: readonly PhoneNotice[];
  readonly dialRequest: DialRequest | undefined;
}

const KEEP_ENDED = 3;

export class PhoneStore {
  private snapshot: PhoneSnapshot = {
    settings: undefined, testLine: undefined, statuses: new Map(), calls: [], history: [], missed: 0, quality: new Map(), muted: new Set(),
    media: { owner: false, elsewhere: false }, notices: [], dialRequest: undefined,
  };
  private readonly listeners = new Set<() => void>();
  private readonly offs: Array<() => void> = [];
  private nextNotice = 1;
  private nextDialSeq = 1;

  constructor(private readonly api: AppApi, private readonly media: PhoneMedia, private readonly tones: Tones) {
    this.offs.push(api.onEvent((event) => this.receive(event)));
    this.offs.push(media.onChange(() => this.update({ media: media.owner })));
    this.offs.push(media.onSummary((summary) => {
      const quality = new Map(this.snapshot.quality);
      quality.set(summary.callId, nextQuality(quality.get(summary.callId), summary));
      this.update({ quality });
    }));
  }

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): PhoneSnapshot => this.snapshot;

  /** After (re)connecting to the host: claim the media and load everything. */
  async load(): Promise<void> {
    await this.media.claim();
    const [status, settings, history, testLine] = await Promise.all([
      this.api.getStatus(), this.api.getSettings(), this.api.getHistory({}), this.api.getTestLine(),
    ]);
    if (testLine.ok) this.update({ testLine: testLine.value });
    if (settings.ok) this.update({ settings: settings.value });
    if (status.ok) {
      const statuses = new Map(status.value.accounts.map((s) => [s.accountId, s]));
      const known = new Map(this.snapshot.calls.map((c) => [c.id, c]));
      for (const call of status.value.calls) known.set(call.id, call);
      this.update({ statuses, calls: this.trim([...known.values()]), media: this.media.owner });
    }
    if (history.ok) this.update({ history: history.value.entries, missed: history.value.missed });
    const failed = [status, settings, history, testLine].find((r) => !r.ok);
    if (failed !== undefined && !failed.ok) this.notify('error', failed.error.message);
    this.syncTones();
  }

  notify(level: PhoneNotice['level'], text: string): void {
    this.update({ notices: [...this.snapshot.notices, { id: this.nextNotice++, level, text }].slice(-4) });
  }

  dismissNotice(id: number): void {
    this.update({ notices: this.snapshot.notices.filter((n) => n.id !== id) });
  }

  dismissCall(callId: string): void {
    this.update({ calls: this.snapshot.calls.filter((c) => c.id !== callId || c.phase !== 'ended') });
  }

  setMuted(callId: string, muted: boolean): void {
    this.media.setMuted(callId, muted);
    const next = new Set(this.snapshot.muted);
    if (muted) next.add(callId);
    else next.delete(callId);
    this.update({ muted: next });
  }

  /** Put a target in the dial field (call back, a recent number), or dial it. */
  requestDial(target: string, dial = false): void {
    this.update({ dialRequest: { target, dial, seq: this.nextDialSeq++ } });
  }

  dialRequestHandled(): void {
    this.update({ dialRequest: undefined });
  }

  async forceClaim(): Promise<void> {
    const state = await this.media.claim(true);
    if (!state.owner && state.reason !== undefined) this.notify('warning', state.reason);
  }

  /** Turns the built-in test line on or off. */
  async setTestLine(enabled: boolean): Promise<void> {
    const result = await this.api.setTestLine({ enabled });
    if (result.ok) this.update({ testLine: result.value });
    else this.notify('error', result.error.message);
  }

  async refreshTestLine(): Promise<void> {
    const result = await this.api.getTestLine();
    if (result.ok) this.update({ testLine: result.value });
  }

  async refreshHistory(): Promise<void> {
    const history = await this.api.getHistory({});
    if (history.ok) this.update({ history: history.value.entries, missed: history.value.missed });
  }

  close(): void {
    for (const off of this.offs.splice(0)) off();
    this.tones.stopAll();
  }

  private receive(event: AppEvent): void {
    switch (event.type) {
      case 'settings-changed':
        this.update({ settings: event.settings });
        return;
      case 'account-status': {
        const statuses = new Map(this.snapshot.statuses);
        statuses.set(event.status.accountId, event.status);
        this.update({ statuses });
        // The test line's account appears once the line is up (it starts after the page may have loaded).
        if (event.status.accountId === TEST_LINE_ACCOUNT_ID && this.snapshot.testLine?.account === undefined) void this.refreshTestLine();
        return;
      }
      case 'call-updated':
        this.callUpdated(event.call);
        return;
      case 'history-changed':
        void this.refreshHistory();
        return;
      case 'dial-request':
        this.requestDial(event.target, event.dial);
        return;
      case 'notice':
        this.notify(event.level, event.text);
        return;
      case 'media-owner':
      case 'media-request':
      case 'call-diagnostics':
      case 'diagnostics-listed':
        return;
    }
  }

  /** A call the page learnt of from an operation's result (its events may still be on the way). */
  track(call: CallView): void {
    const known = this.snapshot.calls.find((c) => c.id === call.id);
    if (known === undefined || known.phase !== 'ended') this.callUpdated(call);
  }

  private callUpdated(call: CallView): void {
    const calls = this.snapshot.calls.some((c) => c.id === call.id)
      ? this.snapshot.calls.map((c) => (c.id === call.id ? call : c))
      : [...this.snapshot.calls, call];
    let muted = this.snapshot.muted;
    if (call.phase === 'ended' && muted.has(call.id)) {
      muted = new Set(muted);
      (muted as Set<string>).delete(call.id);
    }
    this.update({ calls: this.trim(calls), muted });
    this.syncTones();
  }

  /** Live calls all stay; of the ended ones, the newest few. */
  private trim(calls: readonly CallView[]): CallView[] {
    const ended = calls.filter((c) => c.phase === 'ended');
    const dropped = new Set(ended.slice(0, Math.max(0, ended.length - KEEP_ENDED)).map((c) => c.id));
    return calls.filter((c) => !dropped.has(c.id));
  }

  private syncTones(): void {
    const { ringback, ringtone } = tonesFor(this.snapshot.calls);
    this.tones.set('ringback', ringback);
    this.tones.set('ringtone', ringtone);
  }

  private update(patch: Partial<PhoneSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const listener of [...this.listeners]) listener();
  }
}
