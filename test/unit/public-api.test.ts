// The public library (`callscope/sip`, src/index.ts) is chosen export by export and
// documented in docs/library.md. This list makes every change to it a deliberate one:
// a new export, or one gone, fails here until the list (and the docs) say so.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as sip from '../../src/index.js';

const PUBLIC_VALUES = [
  // messages
  'DEFAULT_LIMITS', 'DEFAULT_UAS_OPTIONS', 'REASON_PHRASES', 'StreamFramer', 'buildRequest', 'buildResponse', 'buildResponseTo',
  'canonicalHeaderName', 'checkRequestAsUas', 'describeFields', 'describeMessage', 'describeUri', 'formatNameAddr', 'formatUri',
  'parseDatagram', 'parseMessage', 'parseNameAddr', 'parseReplaces', 'parseUri', 'parseWebSocketMessage', 'quote', 'randomToken',
  'serializeMessage', 'serializeMessageText', 'verdictForParseError',
  // transports
  'SIP_SUBPROTOCOL', 'TransportError', 'createMemoryTransportPair', 'createTcpTransport', 'createTlsTransport',
  'createUdpTransport', 'createWebSocketServerTransport', 'createWebSocketTransport', 'describeCertificateError', 'formatAddress', 'isReliable',
  // transactions
  'DEFAULT_TIMERS', 'INVITE_CLIENT_TRANSITIONS', 'INVITE_SERVER_TRANSITIONS', 'IllegalTransitionError',
  'NON_INVITE_CLIENT_TRANSITIONS', 'NON_INVITE_SERVER_TRANSITIONS', 'TransactionLayer',
  // the diagnostics stream
  'DiagnosticsStream', 'FINDING_CODES',
  // the user agent
  'Authenticator', 'CallAgent', 'Registration', 'SipEndpoint', 'StaticSdpHandler', 'UserAgent', 'connectToServer',
  'defaultSdp', 'newInstanceId', 'offersTelephoneEvent', 'parseServerSpec', 'sdpDirection', 'setSdpDirection',
  // diagnostics
  'DESK_PHONE_LIMITS', 'FINDING_CATALOGUE', 'JSON_EXPORT_VERSION', 'LISTEN_LIMITS', 'LiveRecorder', 'buildTraceModel', 'detectTraceFormat', 'exportJson',
  'exportPcap', 'exportText', 'formatCall', 'formatReport', 'importTrace', 'modelToJson',
  // clocks
  'FakeClock', 'backgroundClock', 'systemClock',
];

describe('the public library callscope/sip', () => {
  it('exports exactly the chosen values', () => {
    expect(Object.keys(sip).sort()).toEqual([...PUBLIC_VALUES].sort());
  });

  it('keeps the internals inside: no individual transaction machine, no back-off helper, no mid-call module', () => {
    for (const internal of ['InviteClientTransaction', 'NonInviteServerTransaction', 'backoffDelay', 'glareBackoffMs', 'MidCall', 'CallBase', 'ReInvites']) {
      expect(Object.keys(sip)).not.toContain(internal);
    }
  });

  it('is documented: docs/library.md names every export', () => {
    const docs = readFileSync(new URL('../../docs/library.md', import.meta.url), 'utf8');
    const missing = PUBLIC_VALUES.filter((name) => !docs.includes(`\`${name}\``));
    expect(missing).toEqual([]);
  });
});
