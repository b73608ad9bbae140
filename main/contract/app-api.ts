// The typed app API: the only way the renderer talks to the host, in Electron (preload +
// IPC) and in browser mode (local WebSocket bridge) alike.
//
// - One operation per method. Each request payload has a zod schema; the host validates
//   every payload with it before doing anything (the renderer is not trusted).
// - Results never throw across the boundary: `{ ok: true, value } | { ok: false, error }`.
// - Events flow the other way (host -> renderer) on one channel.
//
// Part of the contract (main/contract/): pure, zod only, one copy used by the host, the
// preload (types; it repeats the channel names) and the renderer.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------
// Results

export type ApiErrorCode = 'invalid-request' | 'unknown-operation' | 'not-found' | 'unavailable' | 'internal';

export interface ApiError {
  readonly code: ApiErrorCode;
  /** Plain-language message, safe to show to the user (never contains secrets). */
  readonly message: string;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ApiError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail(code: ApiErrorCode, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } };
}

// ---------------------------------------------------------------------------------------
// Request schemas

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** True when `host` (as URL.hostname gives it) is a loopback name or address. */
export function isLoopbackHostname(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** wss:// anywhere; plain ws:// only to loopback (the test lab). */
function isAcceptableServerUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') return false;
  if (url.protocol === 'wss:') return true;
  return url.protocol === 'ws:' && isLoopbackHostname(url.hostname);
}

// Printable characters only: display names end up in SIP headers.
const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;

export const accountIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be an account id');

export const serverUrlSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(2048, 'is too long')
  .refine(isAcceptableServerUrl, 'must be a wss:// URL (plain ws:// is accepted only for 127.0.0.1 or localhost)');

// RFC 3261 `user` characters (unreserved / escaped / user-unreserved), no '@' and no spaces.
export const sipUserSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(128, 'is too long')
  .regex(/^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/, "may contain only SIP user characters (no spaces, no '@')");

export const sipDomainSchema = z
  .string()
  .trim()
  .max(253, 'is too long')
  .regex(/^$|^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/, 'must be a host name such as example.com');

export const displayNameSchema = z
  .string()
  .trim()
  .max(128, 'is too long')
  .regex(NO_CONTROL_CHARS, 'must not contain control characters');

/** How a save treats the stored password. The password travels renderer -> host only. */
export const passwordChangeSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('keep') }),
  z.strictObject({ action: z.literal('set'), value: z.string().min(1, 'must not be empty').max(1024, 'is too long') }),
  z.strictObject({ action: z.literal('clear') }),
]);

export const saveAccountRequestSchema = z.strictObject({
  /** Absent: create a new account. */
  id: accountIdSchema.optional(),
  serverUrl: serverUrlSchema,
  user: sipUserSchema,
  /** SIP domain of the address of record; empty means "the server's host". */
  domain: sipDomainSchema.default(''),
  displayName: displayNameSchema.default(''),
  password: passwordChangeSchema.default({ action: 'keep' }),
});

const noArguments = z.undefined({ error: 'takes no arguments' });

export const requestSchemas = {
  getAppInfo: noArguments,
  getSettings: noArguments,
  saveAccount: saveAccountRequestSchema,
  deleteAccount: z.strictObject({ id: accountIdSchema }),
} as const;

export type OperationName = keyof typeof requestSchemas;

export const operationNames = Object.keys(requestSchemas) as readonly OperationName[];

export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && Object.hasOwn(requestSchemas, value);
}

/** What a caller passes (before defaults are applied). */
export type RequestOf<K extends OperationName> = z.input<(typeof requestSchemas)[K]>;
/** What the host receives after validation. */
export type ValidRequestOf<K extends OperationName> = z.output<(typeof requestSchemas)[K]>;

export type SaveAccountRequest = z.input<typeof saveAccountRequestSchema>;
export type PasswordChange = z.output<typeof passwordChangeSchema>;

// ---------------------------------------------------------------------------------------
// Result values

export type HostMode = 'electron' | 'browser';

export interface AppInfo {
  readonly name: string;
  readonly version: string;
  readonly mode: HostMode;
  /** Node's process.platform of the host. */
  readonly platform: string;
  readonly versions: { readonly node: string; readonly electron?: string; readonly chrome?: string };
  /** Where settings live on the host. */
  readonly dataDir: string;
  /** How saved passwords are protected at rest, in words. */
  readonly secretStorage: string;
  /** What the host can do today; calling arrives with the SIP user agent. */
  readonly capabilities: { readonly calling: boolean };
}

/** An account as the renderer sees it: the password is never included, only whether one is saved. */
export interface AccountView {
  readonly id: string;
  readonly serverUrl: string;
  readonly user: string;
  readonly domain: string;
  readonly displayName: string;
  readonly hasPassword: boolean;
}

export interface SettingsView {
  readonly accounts: readonly AccountView[];
}

export interface ResultValues {
  getAppInfo: AppInfo;
  getSettings: SettingsView;
  saveAccount: AccountView;
  deleteAccount: SettingsView;
}

export type ResultOf<K extends OperationName> = ResultValues[K];

// ---------------------------------------------------------------------------------------
// Events (host -> renderer)

export type AppEvent = { readonly type: 'settings-changed'; readonly settings: SettingsView };

export type AppEventListener = (event: AppEvent) => void;

// ---------------------------------------------------------------------------------------
// The API as a renderer holds it (exposed by the preload, or built over the bridge).

export type AppApiOperations = {
  readonly [K in OperationName]: undefined extends RequestOf<K>
    ? (request?: RequestOf<K>) => Promise<ApiResult<ResultOf<K>>>
    : (request: RequestOf<K>) => Promise<ApiResult<ResultOf<K>>>;
};

export interface AppApi extends AppApiOperations {
  /** Subscribe to host events; returns the unsubscribe function. */
  readonly onEvent: (listener: AppEventListener) => () => void;
}

// ---------------------------------------------------------------------------------------
// Electron IPC channel names (the preload repeats them: sandboxed preloads cannot import)

export const IPC_OPERATION_PREFIX = 'callscope:op:';
export const IPC_EVENT_CHANNEL = 'callscope:event';

export function ipcChannelFor(operation: OperationName): string {
  return `${IPC_OPERATION_PREFIX}${operation}`;
}

// ---------------------------------------------------------------------------------------
// Validation messages

/** One line per issue, e.g. "saveAccount: serverUrl must be a wss:// URL". Never echoes input values. */
export function describeInvalidRequest(operation: OperationName, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length > 0 ? issue.path.map(String).join('.') : 'request';
    return `${where} ${describeIssue(issue)}`;
  });
  return `${operation}: ${lines.join('; ')}`;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'undefined') return issue.message;
      if (issue.message.endsWith('received undefined')) return 'is required';
      return `must be ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
    case 'unrecognized_keys':
      return `has unknown field(s): ${issue.keys.join(', ')}`;
    case 'invalid_union':
      return 'has an unsupported shape';
    default:
      return issue.message;
  }
}
