// The user agent's public API: connect to a server, register, place and take calls.
export { UserAgent, type UserAgentOptions } from './user-agent.js';
export { SipEndpoint, addressOfUri, type DialogUser, type EndpointOptions, type RequestHandler } from './endpoint.js';
export { CallAgent, type CallAgentOptions, type IncomingCallListener, type PlaceCallOptions } from './call-agent.js';
export { CallBase, type CallContext, type CallState, type InDialogHandler } from './call-base.js';
export type { CallDirection, CallEndCause, CallEnded, CallEventMap, CallEventName, CallListener } from './call-events.js';
export { OutgoingCall, type OutgoingCallOptions } from './outgoing-call.js';
export { IncomingCall, type IncomingCallOptions, type ReliableProvisionalPolicy } from './incoming-call.js';
export type { MediaDirection, SdpHandler } from './sdp-handler.js';
export type { MidCallOptions, ModifyOutcome } from './mid-call.js';
export type { InfoOutcome, InfoSpec } from './info.js';
export type { TransferOutcome } from './refer.js';
export { MIN_SESSION_INTERVAL, type SessionTimerOptions } from './session-timer.js';
export { glareBackoffMs } from './glare.js';
export { answerDirection, offerDirection, sdpDirection, setSdpDirection } from './media-direction.js';
export { StaticSdpHandler, defaultSdp, checkSdp, type StaticSdpOptions } from './static-sdp.js';
export {
  Registration, instanceIdFromSeed, newInstanceId, normalizeInstanceId, refreshDelayMs,
  type RegistrationOptions, type RegistrationState, type RegistrationStateName,
} from './registration.js';
export {
  connectToServer, parseServerSpec, type ServerConnection, type ServerConnectionOptions, type ServerEntry, type ServerSpec,
} from './server-connection.js';
export { Authenticator, type AuthAnswer } from './authenticator.js';
export { digestAuthorization, readDigestChallenge, type DigestAlgorithm, type DigestChallenge, type DigestCredentials } from './digest.js';
