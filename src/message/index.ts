// Public API of the SIP message layer.

export { parseMessage } from './parser.js';
export type { Framing, ParseOptions, ParseResult } from './parser.js';
export { serializeMessage, serializeMessageText } from './serialize.js';
export { buildRequest, buildResponse, REASON_PHRASES } from './builder.js';
export type { AddressSpec, BuildResult, ContactSpec, HeaderSpec, NameAddrSpec, RequestSpec, ResponseSpec, TailSpec, ViaSpec } from './builder.js';
export { buildResponseTo, randomToken } from './response-to.js';
export type { ResponseToOptions } from './response-to.js';
export { formatUri, formatNameAddr, quote } from './format.js';
export type { ParamsInput } from './format.js';
export { parseUri, parseNameAddr, parseReplaces } from './standalone.js';
export { StreamFramer, parseDatagram, parseWebSocketMessage } from './framing.js';
export type { FrameEvent, FramingOptions, KeepAlive } from './framing.js';
export { checkRequestAsUas, verdictForParseError, DEFAULT_UAS_OPTIONS } from './uas-checks.js';
export type { UasCheckOptions, UasVerdict } from './uas-checks.js';
export { describeMessage, describeFields, describeUri } from './describe.js';
export { canonicalHeaderName } from './header-names.js';
export { DEFAULT_LIMITS } from './limits.js';
export type { ParseLimits } from './limits.js';
export type { Result, SipBuildError, SipParseError, SipParseErrorCode } from './errors.js';
export type { SipHeaderField } from './header-field.js';
export type { SipMessage, SipMessageBase, SipRequest, SipResponse } from './message.js';
export type { BodyPart } from './multipart.js';
export type * from './types.js';
