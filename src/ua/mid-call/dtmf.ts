// DTMF by SIP INFO: the de-facto `application/dtmf-relay` body
// ("Signal=5\r\nDuration=160\r\n"), one INFO per tone, sent one after the
// other (RFC 6086 §4.2.1: "A UA MUST NOT send an INFO request ... [while] a
// previous INFO request ... has not received a final response" in the same
// Info Package); received as `application/dtmf-relay` or `application/dtmf`.
// RFC 4733 telephone-events are the other way (sdp/telephone-event.ts).
import type { DtmfOptions, DtmfOutcome, DtmfTone, InfoOutcome, InfoSpec } from '../call/types.js';
import type { MidCallShared } from './mid-call-types.js';

export const DTMF_RELAY = 'application/dtmf-relay';
export const DTMF_PLAIN = 'application/dtmf';
/** The Info Package used when the peer lists it in Recv-Info (otherwise a legacy INFO, RFC 6086 §9). */
export const DTMF_INFO_PACKAGE = 'dtmf';

const DEFAULT_DURATION_MS = 160;
const DEFAULT_GAP_MS = 50;
/** RFC 4733 §3.2: events 0-9, then *, #, A-D as 10-15. */
const EVENT_TONES: readonly DtmfTone[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

/** The tones of a string typed by a user (a-d taken as A-D), or the first character that is not one. */
export function dtmfTones(text: string): { ok: true; tones: DtmfTone[] } | { ok: false; bad: string } {
  const tones: DtmfTone[] = [];
  for (const c of text) {
    const tone = c.toUpperCase() as DtmfTone;
    if (!EVENT_TONES.includes(tone)) return { ok: false, bad: c };
    tones.push(tone);
  }
  return { ok: true, tones };
}

/** A tone as a Signal value names it: the character itself or its RFC 4733 event number (10 is *, 11 #, ...). */
function toneOf(signal: string): DtmfTone | undefined {
  const value = signal.trim().toUpperCase();
  if (/^\d{2}$/.test(value)) return EVENT_TONES[Number(value)];
  return EVENT_TONES.includes(value as DtmfTone) ? (value as DtmfTone) : undefined;
}

/**
 * The tone in an INFO body: `Signal=5` (and `Duration=160`) lines for
 * application/dtmf-relay; for application/dtmf the tone alone, or the same
 * lines. Undefined when the body names no tone (a hook flash, 16, included).
 */
export function dtmfOfBody(contentType: string, body: string): { tone: DtmfTone; durationMs?: number } | undefined {
  const fields = new Map<string, string>();
  for (const line of body.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z-]+)\s*[=:]\s*(\S*)\s*$/.exec(line);
    if (match) fields.set(match[1]!.toLowerCase(), match[2]!);
  }
  const signal = fields.get('signal') ?? (contentType === DTMF_PLAIN ? body.trim() : undefined);
  const tone = signal === undefined ? undefined : toneOf(signal);
  if (!tone) return undefined;
  const duration = Number(fields.get('duration'));
  return { tone, ...(Number.isInteger(duration) && duration > 0 ? { durationMs: duration } : {}) };
}

export class Dtmf {
  constructor(private readonly midCall: MidCallShared, private readonly sendInfo: (info: InfoSpec) => Promise<InfoOutcome>) {}

  /**
   * One INFO per tone, each after the previous one's final response and its
   * tone's duration plus the gap. Everything is checked before the first
   * INFO: a user's typed text can put nothing but a tone into a body.
   */
  async send(text: string, options: DtmfOptions): Promise<DtmfOutcome> {
    const { call } = this.midCall;
    switch (options.method) {
      case 'info':
        break;
      default:
        return { ok: false, sent: 0, reason: `DTMF method ${JSON.stringify(options.method)} is not one this stack sends (only 'info')` };
    }
    const parsed = dtmfTones(text);
    if (!parsed.ok) return { ok: false, sent: 0, reason: `${JSON.stringify(parsed.bad)} is not a DTMF tone (0-9, *, #, A-D)` };
    if (parsed.tones.length === 0) return { ok: false, sent: 0, reason: 'no tones to send' };
    const durationMs = options.durationMs ?? DEFAULT_DURATION_MS;
    const gapMs = options.gapMs ?? DEFAULT_GAP_MS;
    if (!Number.isInteger(durationMs) || durationMs < 40 || durationMs > 5000) return { ok: false, sent: 0, reason: `durationMs must be an integer in 40-5000, got ${durationMs}` };
    if (!Number.isInteger(gapMs) || gapMs < 0 || gapMs > 5000) return { ok: false, sent: 0, reason: `gapMs must be an integer in 0-5000, got ${gapMs}` };
    if (!call.sessionDialog()) return { ok: false, sent: 0, reason: 'no established dialog to send INFO in' };
    const useInfoPackage = this.midCall.peer.recvInfo?.includes(DTMF_INFO_PACKAGE) ?? false;
    let sent = 0;
    for (const tone of parsed.tones) {
      if (sent > 0) await this.pause(durationMs + gapMs);
      if (call.isEnded()) return { ok: false, sent, reason: 'the call ended' };
      const outcome = await this.sendInfo({
        ...(useInfoPackage ? { package: DTMF_INFO_PACKAGE } : {}),
        body: `Signal=${tone}\r\nDuration=${durationMs}\r\n`, contentType: DTMF_RELAY,
      });
      if (!outcome.ok) return { ok: false, sent, ...(outcome.status === undefined ? {} : { status: outcome.status }), reason: `tone ${tone}: ${outcome.reason}` };
      sent += 1;
    }
    return { ok: true, sent };
  }

  /** Waits `ms`, or less if the call ends (its timers die with it). */
  private pause(ms: number): Promise<void> {
    const { call } = this.midCall;
    return new Promise((resolve) => {
      const off = call.on('ended', () => resolve());
      call.setTimer(ms, () => {
        off();
        resolve();
      });
    });
  }
}
