// The browser-mode bridge's wire protocol (JSON over a local WebSocket), one copy for
// the host (ws-bridge.ts, browser-host.ts) and the renderer (api/bridge-client.ts).
import { z } from 'zod';
import type { ApiResult, AppEvent } from './app-api.js';

export type BridgePath = '/api';
export type BridgeAuthCheckPath = '/api/auth';
/** Offered by the client and selected by the server. */
export type BridgeSubprotocol = 'callscope.v1';
/** The token travels as a second offered subprotocol, `callscope-token.<token>`: browsers cannot set headers on WebSocket. */
export type BridgeTokenPrefix = 'callscope-token.';

export const BRIDGE_PATH: BridgePath = '/api';
export const BRIDGE_AUTH_CHECK_PATH: BridgeAuthCheckPath = '/api/auth';
export const BRIDGE_SUBPROTOCOL: BridgeSubprotocol = 'callscope.v1';
export const BRIDGE_TOKEN_PREFIX: BridgeTokenPrefix = 'callscope-token.';
/** Tokens are base64url (valid in a subprotocol name and a URL fragment). */
export const BRIDGE_TOKEN_PATTERN = /^[A-Za-z0-9_-]{16,128}$/;
export const BRIDGE_MAX_MESSAGE_BYTES = 256 * 1024;

export const bridgeRequestSchema = z.strictObject({
  kind: z.literal('request'),
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  operation: z.string().max(64),
  payload: z.unknown().optional(),
});

export type BridgeRequest = z.output<typeof bridgeRequestSchema>;

export type BridgeServerMessage =
  | { readonly kind: 'response'; readonly id: number; readonly result: ApiResult<unknown> }
  | { readonly kind: 'event'; readonly event: AppEvent }
  | { readonly kind: 'protocol-error'; readonly message: string };
