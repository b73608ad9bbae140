// The user agent's public API: connect to a server, register, place and take calls.
export { UserAgent, type UserAgentOptions } from './user-agent.js';
export { SipEndpoint, addressOfUri, type DialogUser, type EndpointOptions, type RequestHandler } from './core/endpoint.js';
export { CallAgent, type CallAgentOptions, type IncomingCallListener, type PlaceCallOptions } from './call/call-agent.js';
export { CallBase, type CallContext } from './call/call-base.js';
export type {
  Call, CallDirection, CallEndCause, CallEnded, CallEventMap, CallEventName, CallListener, CallState, InDialogHandler,
  InfoOutcome, InfoSpec, ModifyOutcome, TransferOutcome,
} from './call/types.js';
export { OutgoingCall, type OutgoingCallOptions } from './call/outgoing-call.js';
export { IncomingCall, type IncomingCallOptions, type ReliableProvisionalPolicy } from './call/incoming-call.js';
export type { MediaDirection, SdpHandler } from './sdp/sdp-handler.js';
export type { MidCallOptions } from './mid-call/mid-call-types.js';
export { MIN_SESSION_INTERVAL, type SessionTimerOptions } from './mid-call/session-timer.js';
export { glareBackoffMs } from './mid-call/glare.js';
export { answerDirection, offerDirection, sdpDirection, setSdpDirection } from './sdp/media-direction.js';
export { StaticSdpHandler, defaultSdp, checkSdp, type StaticSdpOptions } from './sdp/static-sdp.js';
export {
  Registration, instanceIdFromSeed, newInstanceId, normalizeInstanceId, refreshDelayMs,
  type RegistrationOptions, type RegistrationState, type RegistrationStateName,
} from './registration/registration.js';
export {
  connectToServer, parseServerSpec, type ServerConnection, type ServerConnectionOptions, type ServerEntry, type ServerSpec,
} from './connection/server-connection.js';
export { Authenticator, type AuthAnswer } from './auth/authenticator.js';
export { digestAuthorization, readDigestChallenge, type DigestAlgorithm, type DigestChallenge, type DigestCredentials } from './auth/digest.js';
