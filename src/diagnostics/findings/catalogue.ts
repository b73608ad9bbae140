// Every finding code with its title, the RFC section behind it and what to
// check next. Detectors add the explanation that fits the messages they saw.
import type { FindingCode } from '../model-types.js';

export interface FindingEntry {
  readonly title: string;
  readonly rfc: string;
  readonly nextSteps: readonly string[];
}

export const CATALOGUE: Readonly<Record<FindingCode, FindingEntry>> = {
  'missing-ack': {
    title: '2xx retransmitted, ACK never arrived',
    rfc: 'RFC 3261 §13.3.1.4',
    nextSteps: [
      'Check the Record-Route of the 2xx: every proxy that must see the ACK has to record-route.',
      'Check the Contact of the 2xx: the ACK goes there (or to the route set); is it reachable from the caller?',
      'Check NAT: a private Contact behind a proxy that did not fix it sends the ACK nowhere.',
    ],
  },
  'missing-ack-non2xx': {
    title: 'Final response retransmitted until Timer H, no ACK',
    rfc: 'RFC 3261 §17.2.1',
    nextSteps: [
      'The hop-by-hop ACK goes to the address the response came from: check that responses reach the client (Via, rport, NAT).',
      'Check that the client matches the response (branch, CSeq) and sends the ACK with the INVITE\'s branch.',
    ],
  },
  'missing-prack': {
    title: 'Reliable provisional never PRACKed',
    rfc: 'RFC 3262 §3, RFC 3261 §12.1.1',
    nextSteps: [
      'Does the caller support 100rel? A UAS must not require it from a caller that did not offer it (Supported/Require).',
      'A reliable provisional must carry a Contact (it creates the early dialog the PRACK is sent in) and be retransmitted until its PRACK arrives.',
      'Check that the PRACK is routed: it is sent in the early dialog, to the provisional\'s Contact via its Record-Route.',
      'Early media from this provisional will be lost or cut when the UAS gives up.',
    ],
  },
  'unreliable-early-media': {
    title: 'Early media offered in an unreliable provisional',
    rfc: 'RFC 3262 §1, RFC 3960',
    nextSteps: [
      'A lost 18x loses the SDP: use 100rel (Require: 100rel, RSeq) when the caller supports it.',
      'The caller may play its own ringback over (or instead of) the early media: check its early-media policy.',
    ],
  },
  'trying-with-to-tag': {
    title: '100 Trying carries a To tag',
    rfc: 'RFC 3261 §8.2.6.2',
    nextSteps: [
      'A 100 is hop-by-hop and creates no dialog: the element that sent it should not add a To tag.',
      'Some callers create an early dialog from it and then mis-handle the real one: check the caller\'s dialog matching.',
    ],
  },
  'no-provisional': {
    title: 'INVITE retransmitted with no provisional response',
    rfc: 'RFC 3261 §17.1.1.2, §17.2.1',
    nextSteps: [
      'Is the next hop reachable on this transport and port? Check firewalls and the Request-URI/Route it was sent to.',
      'A server should answer 100 Trying within 200 ms: check whether the far end is up and receiving.',
    ],
  },
  'request-timeout': {
    title: 'Non-INVITE request got no final response (Timer F)',
    rfc: 'RFC 3261 §17.1.2.2',
    nextSteps: [
      'Check that the request reaches its target (routing, transport, port) and that responses come back (Via, rport).',
      'For in-dialog requests, check the route set and remote target.',
    ],
  },
  'unroutable-contact': {
    title: 'Contact address cannot be reached by in-dialog requests',
    rfc: 'RFC 3261 §12.1, RFC 5626, RFC 3581',
    nextSteps: [
      'Have the edge proxy record-route (and alias or fix the Contact: nathelper fix_nated_contact, set_contact_alias).',
      'Use RFC 5626 outbound (;ob) or a public address in the Contact.',
    ],
  },
  'route-set-mismatch': {
    title: 'In-dialog request not routed by the dialog\'s route set and target',
    rfc: 'RFC 3261 §12.2.1.1, §12.1.2',
    nextSteps: [
      'The caller\'s Route must be the 2xx Record-Route reversed; the callee\'s the INVITE Record-Route as received.',
      'The Request-URI must be the remote target: the peer\'s latest Contact.',
    ],
  },
  'ack-cseq-mismatch': {
    title: 'ACK CSeq does not match its INVITE',
    rfc: 'RFC 3261 §13.2.2.4, §17.1.1.3',
    nextSteps: ['The ACK must carry the INVITE\'s CSeq number with method ACK; check the caller\'s ACK construction.'],
  },
  'cancel-after-final': {
    title: 'CANCEL sent after a final response',
    rfc: 'RFC 3261 §9.1',
    nextSteps: [
      'Once a final response arrived, the call is answered or failed: send BYE (2xx) or nothing (non-2xx).',
      'If the two crossed on the wire it is a race, not a bug: the CANCEL is answered 481 or 200 and has no effect.',
    ],
  },
  'cancel-before-provisional': {
    title: 'CANCEL sent before any provisional response',
    rfc: 'RFC 3261 §9.1',
    nextSteps: ['Wait for a provisional response before sending CANCEL: a CANCEL that overtakes the INVITE cancels nothing.'],
  },
  'bye-before-ack': {
    title: 'Callee sent BYE before the ACK arrived',
    rfc: 'RFC 3261 §15, §15.1.1',
    nextSteps: [
      'The callee must wait for the ACK (or the 64·T1 timeout) before BYE; check its session timers and hang-up logic.',
      'Check whether the ACK was lost on the way (see missing-ack).',
    ],
  },
  'rseq-violation': {
    title: 'RSeq/RAck sequence broken',
    rfc: 'RFC 3262 §3, §7.1, §7.2',
    nextSteps: [
      'Each new reliable provisional in a transaction must carry RSeq one higher than the last.',
      'A PRACK\'s RAck must name the RSeq, CSeq number and method of a reliable provisional that was received.',
    ],
  },
  'auth-loop': {
    title: 'Repeated authentication challenges',
    rfc: 'RFC 3261 §22.2, §22.3',
    nextSteps: [
      'Check the credentials (user, password, realm) the caller uses; the server keeps rejecting them.',
      'Check the digest: the uri, the algorithm (MD5/SHA-256), qop and nonce count; a stale nonce should say stale=true.',
    ],
  },
  glare: {
    title: 'Glare: 491 Request Pending',
    rfc: 'RFC 3261 §14.1, RFC 3311 §5.2',
    nextSteps: [
      'The owner of the Call-ID (the caller) retries after 2.1-4 s, the other side after 0-2 s.',
      'Check that both sides do not start offers at the same time (session refresh timers, hold/resume).',
    ],
  },
  'require-ignored': {
    title: 'Require: 100rel ignored (no 420 Bad Extension)',
    rfc: 'RFC 3261 §8.2.2.3, RFC 3262 §3',
    nextSteps: [
      'A UAS that does not support 100rel must answer an INVITE that requires it with 420 Bad Extension (Unsupported: 100rel).',
      'A UAS that supports it must send its provisional responses (but 100) reliably: Require: 100rel and RSeq.',
      'Check the far end\'s 100rel setting, and whether a proxy or SBC strips Require/RSeq on the way.',
    ],
  },
  'prack-failed': {
    title: 'PRACK answered with an error',
    rfc: 'RFC 3262 §3, §4',
    nextSteps: [
      'A PRACK matching an outstanding reliable provisional must get a 2xx; only one that matches none gets 481.',
      'A 481 usually means the PRACK reached the wrong place (Route, Contact of the 18x) or arrived after the UAS sent its 2xx.',
      'A 501/405 means the far end sent reliable provisionals without implementing PRACK: check its 100rel setting.',
    ],
  },
  'one-way-audio': {
    title: 'Audio flows one way only',
    rfc: 'RFC 3264 §5.1, RFC 3550 §6, RFC 4961',
    nextSteps: [
      'Find where the missing direction stops: the address its sender got from the SDP (c= and m=) must be reachable from that sender.',
      'Behind NAT, the receiving side\'s SDP must carry a public or relayed address (ICE, an SBC or media relay such as rtpengine), or the relay must latch onto the address RTP really comes from (symmetric RTP, RFC 4961).',
      'If one side sends nothing at all, check its microphone and audio device, and whether it put the call on hold (a=sendonly/inactive).',
    ],
  },
  'silent-audio': {
    title: 'Audio arrives but is silence',
    rfc: 'RFC 3551 §4.5.14, RFC 3389',
    nextSteps: [
      'The sender transmits packets with no sound in them: check its microphone, input device and mute state.',
      'A media server, conference bridge or transcoder in the path may be producing silence (or comfort noise only): test without it.',
      'Check that both ends use the codec the payload type says (a PCMA payload played as PCMU is loud noise, not silence; an encoder fed no input is silence).',
    ],
  },
  'early-media-without-rtp': {
    title: 'Early media announced, but no RTP before the answer',
    rfc: 'RFC 3960 §3, RFC 3262 §5',
    nextSteps: [
      'A 18x with SDP tells the caller to play the far end\'s media instead of its own ringback: with no RTP, the caller hears silence until the answer.',
      'Have the far end (or the gateway) play ringback or an announcement on the early media, or send 180 Ringing without SDP so the caller rings locally.',
      'If the far end does send, check that its RTP reaches the address in the caller\'s offer (NAT, firewall, media relay).',
    ],
  },
  'ice-failed': {
    title: 'ICE failed: no candidate pair worked',
    rfc: 'RFC 8445 §7, RFC 8839 §5.1',
    nextSteps: [
      'Check the candidates each side offered: host addresses only work on the same network; a server-reflexive one needs STUN; across strict NATs a relay candidate (TURN) is needed.',
      'The far end\'s SDP must carry its candidates (a=candidate) or, for ICE-lite and relays, a reachable c= address.',
      'Check that UDP between the candidates is not blocked by a firewall, and that the far end answers STUN binding requests.',
    ],
  },
  'dtls-not-completed': {
    title: 'ICE connected, but the DTLS handshake never completed',
    rfc: 'RFC 5763 §5, RFC 8842 §5, RFC 4145 §4',
    nextSteps: [
      'Check the roles in a=setup: the offer says actpass, the answer active (it is the DTLS client) or passive; both active or both passive can never connect.',
      'Some media relays do not complete the handshake with browsers when they are the DTLS server: make the relay the DTLS client (rtpengine: DTLS=active towards the browser; answer with a=setup:active).',
      'Check that the a=fingerprint of each side matches the certificate it uses, and that nothing drops large UDP datagrams (a DTLS ClientHello can span two records).',
    ],
  },
  'unreachable-media-address': {
    title: 'Media address in the SDP cannot be reached',
    rfc: 'RFC 4566 §5.7, RFC 8445 §2',
    nextSteps: [
      'The SDP announces a private (or loopback) address with no ICE candidates, from a side that is not on that network: RTP sent there goes nowhere.',
      'Have the edge proxy or SBC relay the media and rewrite the SDP (rtpengine, nathelper fix_nated_sdp), or use ICE (with STUN/TURN) on the phone.',
      'Or configure the phone\'s public address (NAT settings, STUN) so that its SDP names where it can be reached.',
    ],
  },
  'post-dial-delay': {
    title: 'Long post-dial delay',
    rfc: 'RFC 6076 §4.2',
    nextSteps: [
      'Look at the legs: which hop took the time (routing lookups, DNS, a far end that retransmits)?',
      'Check for authentication round trips and retransmitted INVITEs before the ringing.',
    ],
  },
};
