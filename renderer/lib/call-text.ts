// What a call's state means in words, for the call card and the history: pure, so the
// words are unit-tested and every screen says the same thing.
import type { CallView } from '../../main/contract/calls.js';
import type { HistoryEntry } from '../../main/contract/history.js';

/** 75 -> "1:15", 3725 -> "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = String(s % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** Seconds talking so far (0 before the answer). */
export function talkSeconds(call: Pick<CallView, 'answeredAt' | 'endedAt'>, now: number): number {
  if (call.answeredAt === undefined) return 0;
  return Math.max(0, ((call.endedAt ?? now) - call.answeredAt) / 1000);
}

export type CallTone = 'progress' | 'alert' | 'live' | 'paused' | 'ended' | 'failed';

export interface CallStateText {
  /** The headline: "Ringing", "Connected 0:42", "Busy (486 Busy Here)". */
  readonly title: string;
  /** A second line that says what the user hears or can do, when there is one. */
  readonly detail?: string;
  readonly tone: CallTone;
}

const QUIET_ENDS = new Set(['hangup-local', 'hangup-remote', 'transferred', 'replaced', 'cancelled']);

export function callStateText(call: CallView, now: number): CallStateText {
  const incoming = call.direction === 'incoming';
  switch (call.phase) {
    case 'dialing':
      return { title: 'Dialling…', detail: 'Preparing the audio and sending the call', tone: 'progress' };
    case 'trying':
      return { title: 'Calling…', detail: 'The network is trying to reach them', tone: 'progress' };
    case 'ringing':
      if (incoming) return { title: 'Incoming call', detail: 'Ringing here: answer or decline', tone: 'alert' };
      return { title: 'Ringing', detail: call.ringback ? 'Their phone is ringing (you hear the ringback tone)' : 'Their phone is ringing', tone: 'progress' };
    case 'early-media':
      if (incoming) return { title: 'Incoming call', detail: 'Ringing here: answer or decline', tone: 'alert' };
      return { title: 'Early media', detail: 'You hear the other side before they answer (announcement or ringback from the network)', tone: 'progress' };
    case 'answered':
      return { title: `Connected ${formatDuration(talkSeconds(call, now))}`, tone: 'live' };
    case 'on-hold':
      return {
        title: `On hold ${formatDuration(talkSeconds(call, now))}`,
        detail: call.hold.remote ? 'You put the call on hold, and so did the other side' : 'You put the call on hold: they do not hear you',
        tone: 'paused',
      };
    case 'held-by-remote':
      return { title: `Held by the other side ${formatDuration(talkSeconds(call, now))}`, detail: 'They put you on hold', tone: 'paused' };
    case 'transferring':
      return { title: 'Transferring…', detail: call.transfer?.words ?? 'Waiting for the transfer to complete', tone: 'progress' };
    case 'ended': {
      const words = call.end?.words ?? 'Call ended';
      const talked = call.answeredAt === undefined ? undefined : `Talked ${formatDuration(talkSeconds(call, now))}`;
      const failed = call.end !== undefined && !QUIET_ENDS.has(call.end.cause);
      return { title: words, ...(talked === undefined ? {} : { detail: talked }), tone: failed ? 'failed' : 'ended' };
    }
  }
}

/** A call that is not over and not ringing in: the phone is busy with it. */
export function isLive(call: CallView): boolean {
  return call.phase !== 'ended' && !(call.direction === 'incoming' && (call.phase === 'ringing' || call.phase === 'early-media'));
}

export function isRingingIn(call: CallView): boolean {
  return call.direction === 'incoming' && (call.phase === 'ringing' || call.phase === 'early-media');
}

/** Connected in either hold state: in-call controls apply. */
export function isConnected(call: CallView): boolean {
  return call.phase === 'answered' || call.phase === 'on-hold' || call.phase === 'held-by-remote' || call.phase === 'transferring';
}

/** Which local tones should sound for these calls: never ringback together with early media. */
export function tonesFor(calls: readonly CallView[]): { readonly ringback: boolean; readonly ringtone: boolean } {
  const ringback = calls.some((c) => c.direction === 'outgoing' && c.phase === 'ringing' && c.ringback && !c.earlyMedia);
  // Call waiting: while another call is up, an incoming call shows but does not ring loudly.
  const busy = calls.some(isLive);
  const ringtone = !busy && calls.some(isRingingIn);
  return { ringback, ringtone };
}

export function historyOutcomeText(entry: Pick<HistoryEntry, 'direction' | 'outcome'>): string {
  switch (entry.outcome) {
    case 'answered':
      return entry.direction === 'incoming' ? 'Incoming' : 'Outgoing';
    case 'missed':
      return 'Missed';
    case 'rejected':
      return entry.direction === 'incoming' ? 'Declined' : 'Rejected';
    case 'failed':
      return entry.direction === 'incoming' ? 'Incoming, failed' : 'Outgoing, failed';
    case 'cancelled':
      return entry.direction === 'incoming' ? 'Missed' : 'Cancelled';
  }
}
