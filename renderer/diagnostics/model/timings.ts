// The call's timing breakdown: dial -> INVITE -> first provisional (post-dial delay) -> early
// media -> answer, then ICE and DTLS connected and the first audio each way. A live or recent
// call seen by this page has the host's own timings (CallView, ms from the dial); otherwise
// (an import, or a call that ended before this page saw it) the SIP steps are read from the
// messages, counted from the first INVITE. Media steps come from the page's media summaries
// (wall-clock times), counted from the call's start.
import type { CallView, MessageSummary } from '../../../main/contract/app-api.js';
import type { MediaSummary } from '../../../main/contract/media.js';
import { kindOf } from './message-kind.js';

export type StepId = 'dial' | 'invite' | 'provisional' | 'early-media' | 'answer' | 'ice' | 'dtls' | 'audio-in' | 'audio-out';

export interface TimingStep {
  readonly id: StepId;
  readonly label: string;
  /** ms from the origin; undefined: it did not happen (or is not known). */
  readonly at?: number;
  /** ms since the step before it in time (same base). */
  readonly sincePrevious?: number;
  /** Where the time comes from. */
  readonly from: 'call' | 'messages' | 'media' | 'none';
  /** The message that marks it, when read from the messages. */
  readonly message?: number;
  /** What `at` counts from: without the host's view of the call, SIP steps count from the first INVITE and media steps from the dial. */
  readonly base: 'dial' | 'first INVITE';
}

export interface TimingBreakdown {
  /** What the times count from. */
  readonly origin: 'dial' | 'first INVITE';
  readonly steps: readonly TimingStep[];
}

export interface TimingInput {
  readonly messages: readonly MessageSummary[];
  readonly methodOf: (transactionId: string) => string | undefined;
  readonly media: readonly MediaSummary[];
  /** The host's view of the call, when this page has it. */
  readonly call?: CallView;
  /** ms since the epoch when the call started (dial), for media times. */
  readonly startedAt?: number;
}

const LABELS: Readonly<Record<StepId, string>> = {
  dial: 'Dial',
  invite: 'INVITE',
  provisional: 'First provisional response (post-dial delay)',
  'early-media': 'Early media (18x with SDP)',
  answer: 'Answered (2xx)',
  ice: 'ICE connected',
  dtls: 'DTLS connected',
  'audio-in': 'First audio received',
  'audio-out': 'First audio sent',
};

interface Found { at: number; message: number }

/** SIP steps read from the messages, in ms from the first INVITE. */
export function stepsFromMessages(messages: readonly MessageSummary[], methodOf: TimingInput['methodOf']): Partial<Record<StepId, Found>> {
  const out: Partial<Record<StepId, Found>> = {};
  let t0: number | undefined;
  for (const m of messages) {
    const kind = kindOf(m, methodOf);
    if (t0 === undefined) {
      if (kind.request && kind.method === 'INVITE') {
        t0 = m.at;
        out.invite = { at: 0, message: m.index };
      }
      continue;
    }
    if (kind.request || kind.status === undefined || (kind.method !== 'INVITE' && kind.method !== '')) continue;
    const at = m.at - t0;
    if (kind.status < 200) {
      out.provisional ??= { at, message: m.index };
      if (m.sdp !== undefined && kind.status > 100) out['early-media'] ??= { at, message: m.index };
    } else if (kind.status < 300 && kind.method === 'INVITE') {
      // Nothing after the answer is a setup step: a long call is not read to its end.
      out.answer = { at, message: m.index };
      break;
    }
  }
  return out;
}

/** Media steps from the summaries, in ms from `startedAt` (epoch). */
export function stepsFromMedia(media: readonly MediaSummary[], startedAt: number): Partial<Record<StepId, number>> {
  const out: Partial<Record<StepId, number>> = {};
  for (const s of [...media].sort((a, b) => a.at - b.at)) {
    const at = Math.max(0, s.at - startedAt);
    if (s.iceState === 'connected' || s.iceState === 'completed') out.ice ??= at;
    if (s.dtlsState === 'connected') out.dtls ??= at;
    if (s.inbound.packets > 0) out['audio-in'] ??= at;
    if (s.outbound.packets > 0) out['audio-out'] ??= at;
  }
  return out;
}

export function timingBreakdown(input: TimingInput): TimingBreakdown {
  const fromMessages = stepsFromMessages(input.messages, input.methodOf);
  const startedAt = input.call?.startedAt ?? input.startedAt;
  const media = startedAt === undefined ? {} : stepsFromMedia(input.media, startedAt);
  const timings = input.call?.timings;
  const origin: TimingBreakdown['origin'] = input.call ? 'dial' : 'first INVITE';
  const sipBase = origin;
  const step = (id: StepId): Omit<TimingStep, 'sincePrevious'> => {
    if (id === 'ice' || id === 'dtls' || id === 'audio-in' || id === 'audio-out') {
      const at = media[id];
      return at === undefined ? { id, label: LABELS[id], from: 'none', base: 'dial' } : { id, label: LABELS[id], at, from: 'media', base: 'dial' };
    }
    if (id === 'dial') return input.call ? { id, label: LABELS[id], at: 0, from: 'call', base: 'dial' } : { id, label: LABELS[id], from: 'none', base: 'dial' };
    const fromCall = timings === undefined ? undefined
      : id === 'invite' ? timings.inviteSent : id === 'provisional' ? timings.firstProvisional : id === 'early-media' ? timings.earlyMedia : timings.answered;
    const found = fromMessages[id];
    if (fromCall !== undefined) return { id, label: LABELS[id], at: fromCall, from: 'call', base: sipBase, ...(found ? { message: found.message } : {}) };
    if (found && !input.call) return { id, label: LABELS[id], at: found.at, from: 'messages', base: sipBase, message: found.message };
    return { id, label: LABELS[id], from: 'none', base: sipBase, ...(found ? { message: found.message } : {}) };
  };
  const ids: StepId[] = ['dial', 'invite', 'provisional', 'early-media', 'answer', 'ice', 'dtls', 'audio-in', 'audio-out'];
  // A timeline: the measured steps in time order (ICE can connect before the answer), each with
  // its time since the step before it on the same base; steps that did not happen or were not
  // measured come after, in their usual order.
  const all = ids.map(step);
  const rank = (s: Omit<TimingStep, 'sincePrevious'>) => (s.base === origin ? 0 : 1);
  const measured = all.filter((s) => s.at !== undefined).sort((a, b) => rank(a) - rank(b) || a.at! - b.at!);
  const steps: TimingStep[] = measured.map((s, i) => {
    const before = measured[i - 1];
    return before !== undefined && before.base === s.base ? { ...s, sincePrevious: s.at! - before.at! } : s;
  });
  steps.push(...all.filter((s) => s.at === undefined));
  return { origin, steps };
}
