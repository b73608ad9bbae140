// The public library, `import { ... } from 'callscope/sip'`: what a program
// building on Callscope may rely on, chosen export by export and described in
// docs/library.md. Everything else under src/ (the individual transaction
// machines, back-off and keep-alive helpers, the mid-call modules, ...) is
// internal and may change. test/unit/public-api.test.ts lists this surface,
// so a change to it is always a deliberate one.

// ——— SIP messages: parse, build, serialize, frame, the UAS checks of RFC 3261 §8.2 ———
export * from './message/index.js';

// ——— Transports (RFC 3261 §18, RFC 7118 WebSocket, RFC 5626 flows) ———
export {
  isReliable, TransportError,
  type InboundMessage, type SendOptions, type Transport, type TransportAddress, type TransportEvents,
  type TransportProtocol, type TransportStateChange, type TransportStateName,
} from './transport/transport.js';
export { formatAddress } from './transport/address.js';
export { createUdpTransport, type UdpTransport, type UdpTransportOptions } from './transport/udp-transport.js';
export { createTcpTransport, type TcpTransport, type TcpTransportOptions } from './transport/tcp-transport.js';
export {
  createTlsTransport, type TlsListenOptions, type TlsServer, type TlsTransport, type TlsTransportOptions,
} from './transport/tls-transport.js';
export {
  createWebSocketTransport, SIP_SUBPROTOCOL, type WebSocketServer, type WebSocketTransport, type WebSocketTransportOptions,
} from './transport/ws-transport.js';
export {
  createWebSocketServerTransport, type WebSocketServerTransport, type WebSocketServerTransportOptions,
} from './transport/ws-server-transport.js';
export {
  createMemoryTransportPair, type MemoryDelivery, type MemoryInterceptor, type MemoryPacket, type MemoryTransport,
  type MemoryTransportPairOptions,
} from './transport/memory-transport.js';
export { describeCertificateError, type TlsTrust } from './transport/tls-trust.js';

// ——— Transactions (RFC 3261 §17, RFC 6026): the layer; the four machines stay inside it ———
export {
  TransactionLayer, type ClientTransaction, type RequestTarget, type ServerTransaction, type TransactionLayerOptions,
  type TransactionUser,
} from './transaction/transaction-layer.js';
export type { ClientTransactionUser } from './transaction/client-transaction.js';
export type { RespondOptions, ServerTransactionFailure } from './transaction/server-transaction.js';
export { DEFAULT_TIMERS, type TimerSettings } from './transaction/timers.js';
export {
  INVITE_CLIENT_TRANSITIONS, INVITE_SERVER_TRANSITIONS, NON_INVITE_CLIENT_TRANSITIONS, NON_INVITE_SERVER_TRANSITIONS,
  IllegalTransitionError, type TransitionTable,
} from './transaction/states.js';

// ——— The diagnostics stream: its events and vocabulary ———
export * from './trace/index.js';

// ——— Dialogs (RFC 3261 §12) ———
export type { Dialog, DialogId, DialogState } from './dialog/dialog.js';

// ——— The user agent: connect, register, place and take calls ———
export { UserAgent, type UserAgentOptions } from './ua/user-agent.js';
export {
  connectToServer, parseServerSpec, type ServerConnection, type ServerConnectionOptions, type ServerEntry, type ServerSpec,
} from './ua/connection/server-connection.js';
export { SipEndpoint, type DialogUser, type EndpointOptions, type RequestHandler } from './ua/core/endpoint.js';
export { Authenticator, type AuthAnswer } from './ua/auth/authenticator.js';
export type { DigestAlgorithm, DigestCredentials } from './ua/auth/digest.js';
export {
  Registration, newInstanceId, type RegistrationOptions, type RegistrationState, type RegistrationStateName,
} from './ua/registration/registration.js';
export {
  CallAgent, type CallAgentOptions, type CallReplaced, type CallReplacedListener, type IncomingCallListener, type PlaceCallOptions,
} from './ua/call/call-agent.js';
export type {
  Call, CallDirection, CallEndCause, CallEnded, CallEventMap, CallEventName, CallListener, CallState, DtmfOptions, DtmfOutcome,
  DtmfTone, HangupOptions, InDialogHandler, InfoOutcome, InfoSpec, ModifyOutcome, ReasonHeader, TransferOutcome,
} from './ua/call/types.js';
export type { OutgoingCall } from './ua/call/outgoing-call.js';
export type { IncomingCall, ReliableProvisionalPolicy } from './ua/call/incoming-call.js';
export type { CallFaults, FaultName } from './ua/call/faults.js';
export type { MidCallOptions } from './ua/mid-call/mid-call-types.js';
export type { SessionTimerOptions } from './ua/mid-call/session-timer.js';
export type { MediaDirection, SdpHandler } from './ua/sdp/sdp-handler.js';
export { StaticSdpHandler, defaultSdp, type StaticSdpOptions } from './ua/sdp/static-sdp.js';
export { sdpDirection, setSdpDirection } from './ua/sdp/media-direction.js';
export { offersTelephoneEvent } from './ua/sdp/telephone-event.js';

// ——— Per-call diagnostics: the model, findings, trace import and export, the report ———
export * from './diagnostics/index.js';

// ——— Clocks (inject a FakeClock to drive timers in tests) ———
export { backgroundClock, systemClock, type Clock, type TimerHandle } from './util/clock.js';
export { FakeClock } from './util/fake-clock.js';
