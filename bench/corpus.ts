// Realistic messages of a WebRTC call and registration, as a softphone sees them over
// WSS: INVITE with SDP (~1.3 KB), 183 with SDP, 200 OK, ACK, REGISTER with digest
// credentials, NOTIFY. Lines joined with CRLF; Content-Length computed from the body.

function message(head: readonly string[], body = ''): string {
  const bytes = new TextEncoder().encode(body).length;
  return [...head, `Content-Length: ${bytes}`, '', body].join('\r\n');
}

const SDP_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS 6e3c2a1f',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:1467250027 1 udp 2122260223 192.168.0.196 46243 typ host generation 0',
  'a=ice-ufrag:Oyef7uvBlwafI3hT',
  'a=ice-pwd:T0teqPLNQQOf+5W+ls+P2p16',
  'a=fingerprint:sha-256 49:66:12:17:0D:1C:91:AE:57:4C:C6:36:DD:D5:97:D2:7D:62:C9:9A:7F:B9:A3:F4:70:03:E7:43:91:73:23:5E',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  'a=ssrc:3907338412 cname:kl9Q1kPmG5f2n0rX',
  '',
].join('\r\n');

const SDP_ANSWER = [
  'v=0',
  'o=rtpengine 1697412321 1697412322 IN IP4 203.0.113.10',
  's=-',
  't=0 0',
  'm=audio 30000 UDP/TLS/RTP/SAVPF 111 101',
  'c=IN IP4 203.0.113.10',
  'a=rtpmap:111 opus/48000/2',
  'a=rtpmap:101 telephone-event/8000',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=setup:active',
  'a=fingerprint:sha-256 3A:96:6D:57:B2:C2:C7:61:A0:46:3E:1C:97:39:D3:F7:0A:88:A0:B1:EC:03:FB:10:A5:5D:3A:37:AB:DD:02:AA',
  'a=ice-ufrag:4ZcD',
  'a=ice-pwd:ZB7GeK1yeacwrsqqtW3cYx',
  'a=candidate:1 1 UDP 2130706431 203.0.113.10 30000 typ host',
  '',
].join('\r\n');

export const INVITE = message([
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/WSS r4ks8mdq3h2v.invalid;branch=z9hG4bK5841729;rport',
  'Max-Forwards: 69',
  'To: <sip:bob@example.com>',
  'From: "Alice" <sip:alice@example.com>;tag=8gbv6oc1b7',
  'Call-ID: 3ic4a9nbgf6hdsq8q6ot',
  'CSeq: 8401 INVITE',
  'Contact: <sip:k2n8d1ep@r4ks8mdq3h2v.invalid;transport=ws;ob>',
  'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY',
  'Supported: 100rel,timer,replaces,outbound,ice',
  'User-Agent: Callscope 0.1.0',
  'Content-Type: application/sdp',
], SDP_OFFER);

export const RINGING_183 = message([
  'SIP/2.0 183 Session Progress',
  'Via: SIP/2.0/WSS r4ks8mdq3h2v.invalid;branch=z9hG4bK5841729;rport=52344;received=198.51.100.7',
  'Record-Route: <sip:203.0.113.10;transport=ws;r2=on;lr>,<sip:203.0.113.10;r2=on;lr>',
  'To: <sip:bob@example.com>;tag=as5e2c9a1f',
  'From: "Alice" <sip:alice@example.com>;tag=8gbv6oc1b7',
  'Call-ID: 3ic4a9nbgf6hdsq8q6ot',
  'CSeq: 8401 INVITE',
  'Contact: <sip:bob@198.51.100.20:5060>',
  'Require: 100rel',
  'RSeq: 1',
  'Content-Type: application/sdp',
], SDP_ANSWER);

export const OK_200 = message([
  'SIP/2.0 200 OK',
  'Via: SIP/2.0/WSS r4ks8mdq3h2v.invalid;branch=z9hG4bK5841729;rport=52344;received=198.51.100.7',
  'Record-Route: <sip:203.0.113.10;transport=ws;r2=on;lr>,<sip:203.0.113.10;r2=on;lr>',
  'To: <sip:bob@example.com>;tag=as5e2c9a1f',
  'From: "Alice" <sip:alice@example.com>;tag=8gbv6oc1b7',
  'Call-ID: 3ic4a9nbgf6hdsq8q6ot',
  'CSeq: 8401 INVITE',
  'Contact: <sip:bob@198.51.100.20:5060>',
  'Allow: INVITE, ACK, CANCEL, OPTIONS, BYE, REFER, NOTIFY, INFO, UPDATE',
  'Supported: replaces, timer',
  'Session-Expires: 1800;refresher=uac',
  'Content-Type: application/sdp',
], SDP_ANSWER);

export const ACK = message([
  'ACK sip:bob@198.51.100.20:5060 SIP/2.0',
  'Via: SIP/2.0/WSS r4ks8mdq3h2v.invalid;branch=z9hG4bK9152284',
  'Max-Forwards: 69',
  'Route: <sip:203.0.113.10;transport=ws;r2=on;lr>,<sip:203.0.113.10;r2=on;lr>',
  'To: <sip:bob@example.com>;tag=as5e2c9a1f',
  'From: "Alice" <sip:alice@example.com>;tag=8gbv6oc1b7',
  'Call-ID: 3ic4a9nbgf6hdsq8q6ot',
  'CSeq: 8401 ACK',
  'Contact: <sip:k2n8d1ep@r4ks8mdq3h2v.invalid;transport=ws;ob>',
]);

export const REGISTER = message([
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/WSS r4ks8mdq3h2v.invalid;branch=z9hG4bK2217640',
  'Max-Forwards: 70',
  'To: <sip:alice@example.com>',
  'From: <sip:alice@example.com>;tag=0t5mcg7c1u',
  'Call-ID: o4tcdd8gk0i9nbc1jbv3e6',
  'CSeq: 2 REGISTER',
  'Authorization: Digest algorithm=MD5, username="alice", realm="example.com", nonce="ZTY0NjVhYjAwMDAwMDAwMWQ2Y2E0YjVlOTBiMTZmNzY=", uri="sip:example.com", response="6629fae49393a05397450978507c4ef1", qop=auth, cnonce="kd6ajntmhi7n", nc=00000001',
  'Contact: <sip:k2n8d1ep@r4ks8mdq3h2v.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:3f1c2e2a-6b1f-4c1a-9d4e-2a9f6e0c5b11>";expires=600',
  'Expires: 600',
  'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY',
  'Supported: path,gruu,outbound',
  'User-Agent: Callscope 0.1.0',
]);

export const NOTIFY = message([
  'NOTIFY sip:k2n8d1ep@r4ks8mdq3h2v.invalid;transport=ws;ob SIP/2.0',
  'Via: SIP/2.0/WSS 203.0.113.10;branch=z9hG4bK0ef7.1a3c9d2e000000000000000000000000.0',
  'Max-Forwards: 70',
  'Record-Route: <sip:203.0.113.10;transport=ws;r2=on;lr>',
  'To: "Alice" <sip:alice@example.com>;tag=8gbv6oc1b7',
  'From: <sip:bob@example.com>;tag=as5e2c9a1f',
  'Call-ID: 3ic4a9nbgf6hdsq8q6ot',
  'CSeq: 102 NOTIFY',
  'Contact: <sip:bob@198.51.100.20:5060>',
  'Event: refer;id=93809824',
  'Subscription-State: active;expires=60',
  'Content-Type: message/sipfrag;version=2.0',
], 'SIP/2.0 200 OK\r\n');

export interface CorpusEntry {
  readonly name: string;
  readonly text: string;
}

export const CORPUS: readonly CorpusEntry[] = [
  { name: 'INVITE+SDP', text: INVITE },
  { name: '183+SDP', text: RINGING_183 },
  { name: '200 OK', text: OK_200 },
  { name: 'ACK', text: ACK },
  { name: 'REGISTER+auth', text: REGISTER },
  { name: 'NOTIFY', text: NOTIFY },
];
