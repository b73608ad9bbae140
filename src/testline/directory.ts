// The test line's numbers, as data: what each does, what to look for in the diagnostics
// panel, the finding Callscope must name for it (when it is a fault), and what the
// caller's media verdict should be. The UI lists this; the line's behaviour
// (numbers.ts) and the tests follow it.
import type { FindingCode } from '../trace/finding-codes.js';
import type { MediaVerdictCode } from '../media/measure/verdicts.js';

export type TestLineNumberName =
  | 'echo' | 'ring' | 'busy' | 'slow' | 'forked' | 'callback'
  | 'no-ack' | 'no-prack' | 'trying-tag' | 'silent' | 'bad-contact' | 'one-way' | 'no-dtls';

export interface TestLineNumber {
  /** What to dial (the user part of the Request-URI). */
  readonly number: TestLineNumberName;
  readonly title: string;
  /** `service`: a call that works; `fault`: a classic failure reproduced on purpose. */
  readonly kind: 'service' | 'fault';
  /** What the line does, step by step. */
  readonly does: string;
  /** Where to look in the diagnostics panel, and what you should see there. */
  readonly lookFor: string;
  /** The finding the panel must show for this call, and no other; none for the service numbers. */
  readonly finding?: FindingCode;
  /** The media verdict on the caller's side (src/media/measure/verdicts.ts) while the call is up. */
  readonly media?: { readonly verdict: MediaVerdictCode; readonly flowing?: 'outbound-only' | 'inbound-only' };
  /** Roughly how long the call takes on its own, seconds (with the default T1 of 500 ms). */
  readonly takesSeconds?: number;
}

export const TEST_LINE_DIRECTORY: readonly TestLineNumber[] = [
  {
    number: 'echo', title: 'Echo test', kind: 'service',
    does: 'Sends 183 Session Progress with SDP (reliably, with 100rel, when you support it) and plays a three-note chime as early media; '
      + 'once the chime has played, answers with 200 OK and sends back whatever you say.',
    lookFor: 'The ladder: INVITE, 100, 183 (RSeq), PRACK and its 200, then 200 OK and ACK. Audio arrives before the answer (early media), '
      + 'then you hear yourself. No findings.',
    media: { verdict: 'two-way-audio' },
  },
  {
    number: 'ring', title: 'Rings until you hang up', kind: 'service',
    does: 'Sends 180 Ringing and never answers; hanging up sends CANCEL, answered 200, and the INVITE ends with 487. '
      + 'After 3 minutes the line gives up itself with 480.',
    lookFor: 'The CANCEL transaction next to the INVITE transaction, and 487 Request Terminated ending the INVITE. No findings.',
  },
  {
    number: 'busy', title: 'Busy', kind: 'service',
    does: 'Refuses the call at once with 486 Busy Here.',
    lookFor: 'The INVITE transaction ending in Completed with 486, and your ACK for it going hop by hop (same branch). No findings.',
  },
  {
    number: 'slow', title: 'Slow to ring', kind: 'service',
    does: 'Sends 100 Trying at once but waits 7 s before 180 Ringing, then answers 1 s later and echoes your audio.',
    lookFor: 'The gap between the INVITE and the 180 in the ladder. Finding: post-dial-delay (a warning above 5 s).',
    finding: 'post-dial-delay', media: { verdict: 'two-way-audio' }, takesSeconds: 9,
  },
  {
    number: 'forked', title: 'Forked call', kind: 'service',
    does: 'Answers as two phones behind a forking proxy would: one early dialog rings (180 with its own To tag), '
      + 'a second one sends early media (183 with SDP, the chime) and answers; the first is left behind.',
    lookFor: 'Two dialogs with different To tags in the dialogs view: one confirmed by the 200 OK, the other early and then gone. No findings.',
    media: { verdict: 'two-way-audio' },
  },
  {
    number: 'callback', title: 'Calls you back', kind: 'service',
    does: 'Answers, plays a short chime, hangs up with BYE, and 3 s later calls you back over your registration (or the connection '
      + 'your call came on) from sip:callback. Answer it to hear yourself; it gives up after 60 s of ringing.',
    lookFor: 'Your call ended by the line\'s BYE, then an incoming call: its INVITE comes over the same WebSocket connection. No findings.',
    media: { verdict: 'two-way-audio' },
  },
  {
    number: 'no-ack', title: 'The ACK never arrives', kind: 'fault',
    does: 'Answers, echoes your audio, and acts as if your ACK never arrived: the 200 OK is retransmitted (T1, 2·T1, ... up to T2) '
      + 'and after 64·T1 (32 s) the line hangs up with BYE (RFC 3261 §13.3.1.4).',
    lookFor: 'The 200 OK repeated after your ACK, each repeat ACKed again, then the line\'s BYE at about 32 s. Finding: missing-ack.',
    finding: 'missing-ack', media: { verdict: 'two-way-audio' }, takesSeconds: 32,
  },
  {
    number: 'no-prack', title: 'No PRACK for the reliable 183', kind: 'fault',
    does: 'Sends a reliable 183 with SDP (it needs 100rel: 421 without it), answers your PRACK 200 but acts as if it never came: '
      + 'the 183 is retransmitted, and after 64·T1 (32 s) the line gives up with 504 (RFC 3262 §3).',
    lookFor: 'The 183 with the same RSeq repeated after your PRACK and its 200, then 504 ending the INVITE. Finding: missing-prack.',
    finding: 'missing-prack', takesSeconds: 32,
  },
  {
    number: 'trying-tag', title: '100 Trying with a To tag', kind: 'fault',
    does: 'Sends its own 100 Trying at once carrying a To tag (a 100 never does, RFC 3261 §8.2.6.1), rings, answers after 1 s and echoes.',
    lookFor: 'The To tag on the 100 Trying in the message view. Finding: trying-with-to-tag (a warning).',
    finding: 'trying-with-to-tag', media: { verdict: 'two-way-audio' },
  },
  {
    number: 'silent', title: 'No response at all', kind: 'fault',
    does: 'Drops the INVITE before its transaction layer: not even 100 Trying comes back. Your INVITE transaction gives up after '
      + 'Timer B (64·T1, 32 s) and the call fails as a 408 (RFC 3261 §8.1.3.1, §17.1.1.2).',
    lookFor: 'The INVITE transaction alone, Timer B firing, no response. Finding: no-provisional.',
    finding: 'no-provisional', takesSeconds: 32,
  },
  {
    number: 'bad-contact', title: 'Unroutable Contact', kind: 'fault',
    does: 'Answers with Contact sip:bad-contact@10.0.0.7 (a private address, no ob) and echoes. Over this WebSocket your ACK and '
      + 'BYE still take the connection; through a proxy or over UDP they would go to 10.0.0.7 and be lost.',
    lookFor: 'The Contact of the 200 OK in the dialogs view. Finding: unroutable-contact.',
    finding: 'unroutable-contact', media: { verdict: 'two-way-audio' },
  },
  {
    number: 'one-way', title: 'One-way audio', kind: 'fault',
    does: 'Answers with a=sendrecv but sends no media at all: it hears you, you hear nothing (the SDP promises what the media does not do).',
    lookFor: 'The media section: packets sent, none received; the media verdict one-way audio (outbound only). No SIP finding: the signalling is right.',
    media: { verdict: 'one-way-audio', flowing: 'outbound-only' },
  },
  {
    number: 'no-dtls', title: 'DTLS never completes', kind: 'fault',
    does: 'Answers with a=setup:active, saying it will open the DTLS connection (RFC 4145 §4, RFC 5763 §5), while it waits as the '
      + 'DTLS server itself: you wait as the server too, ICE connects, nobody sends a ClientHello, and no audio flows. '
      + 'Needs a WebRTC offer with a=setup:actpass (488 otherwise).',
    lookFor: 'The media section: ICE connected, DTLS never; both a=setup values (yours actpass, the line\'s active) and your DTLS role '
      + '(server); the media verdict DTLS failed. No SIP finding.',
    media: { verdict: 'dtls-failed' },
  },
];

/** The entry for a dialled number (the user part, any case), if it is one of the line's. */
export function findNumber(user: string | undefined): TestLineNumber | undefined {
  const wanted = user?.toLowerCase();
  return TEST_LINE_DIRECTORY.find((n) => n.number === wanted);
}

/** "echo, ring, busy, ...": the numbers in one line (a 404's Warning). */
export function numberList(): string {
  return TEST_LINE_DIRECTORY.map((n) => n.number).join(', ');
}
