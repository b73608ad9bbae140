// Accounts in the app API: what the renderer may save (validated here, errors naming the
// field), what it sees back (never a secret, only whether one is saved), and each account's
// registration status as the host reports it.
import { z } from 'zod';

const LOOPBACK_HOSTS = new Set(['localhost', '[::1]']);

/** True when `host` (as URL.hostname gives it) is a loopback name or address. */
export function isLoopbackHostname(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** wss:// anywhere; plain ws:// only to loopback (the test lab, the built-in test line). */
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
const SIP_USER = /^[A-Za-z0-9\-_.!~*'()&=+$,;?/%]+$/;

export const sipUserSchema = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(128, 'is too long')
  .regex(SIP_USER, "may contain only SIP user characters (no spaces, no '@')");

/** The digest user name, when it differs from the SIP user (empty: the same). */
export const authUserSchema = z
  .string()
  .trim()
  .max(128, 'is too long')
  .regex(/^$|^[^\p{Cc}"\\]+$/u, 'must not contain control characters, quotes or backslashes');

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

/** An outbound proxy for requests outside a dialog (RFC 3261 §8.1.2, a preloaded Route): a sip: or sips: URI, or empty. */
export const outboundProxySchema = z
  .string()
  .trim()
  .max(512, 'is too long')
  .regex(/^$|^sips?:[^\s<>"]+$/i, 'must be a sip: or sips: URI such as sip:proxy.example.com;lr');

/** How a save treats a stored secret (a password, a TURN credential). Secrets travel renderer -> host only. */
export const secretChangeSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('keep') }),
  z.strictObject({ action: z.literal('set'), value: z.string().min(1, 'must not be empty').max(1024, 'is too long') }),
  z.strictObject({ action: z.literal('clear') }),
]);

export const iceServerUrlSchema = z
  .string()
  .trim()
  .max(512, 'is too long')
  .regex(/^(stun|stuns|turn|turns):[^\s]+$/i, 'must be a stun:, stuns:, turn: or turns: URL');

export const iceServerSchema = z.strictObject({
  urls: z.array(iceServerUrlSchema).min(1, 'needs at least one URL').max(4, 'takes at most 4 URLs'),
  username: z.string().max(256, 'is too long').regex(NO_CONTROL_CHARS, 'must not contain control characters').default(''),
  credential: secretChangeSchema.default({ action: 'keep' }),
});

export const reliableProvisionalsSchema = z.enum(['supported', 'required', 'disabled']);
export const dtmfMethodSchema = z.enum(['auto', 'rfc4733', 'info']);
export const autoAnswerSchema = z.enum(['off', 'when-asked', 'always']);

export const tlsOptionsSchema = z.strictObject({
  /** A PEM file of CAs to trust for this server, on the host, in addition to the system's. */
  caFile: z.string().trim().max(4096, 'is too long').regex(NO_CONTROL_CHARS, 'must not contain control characters').default(''),
  /** Accept a certificate that cannot be verified, for this one server only (shown as a warning). */
  acceptInvalidCertificate: z.boolean().default(false),
});

/** The fields of an account, as a save request carries them (defaults applied by the host). */
export const accountFieldsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** A name for the account in the UI ("Work"); empty shows the address. */
  label: displayNameSchema.default(''),
  serverUrl: serverUrlSchema,
  user: sipUserSchema,
  authUser: authUserSchema.default(''),
  /** SIP domain of the address of record; empty means "the server's host". */
  domain: sipDomainSchema.default(''),
  displayName: displayNameSchema.default(''),
  password: secretChangeSchema.default({ action: 'keep' }),
  outboundProxy: outboundProxySchema.default(''),
  iceServers: z.array(iceServerSchema).max(8, 'takes at most 8 servers').default([]),
  /** RFC 3262 for our calls: offer it (supported), insist on it (required), or not at all. */
  reliableProvisionals: reliableProvisionalsSchema.default('supported'),
  /** RFC 4733 through the media (rfc4733), SIP INFO (info), or RFC 4733 when the peer negotiated telephone-event (auto). */
  dtmfMethod: dtmfMethodSchema.default('auto'),
  tls: tlsOptionsSchema.default({ caFile: '', acceptInvalidCertificate: false }),
  /** Off by default: auto-answer opens the microphone to anyone who calls. */
  autoAnswer: autoAnswerSchema.default('off'),
});

export const saveAccountRequestSchema = accountFieldsSchema.extend({
  /** Absent: create a new account. */
  id: accountIdSchema.optional(),
});

/** Test an account before (or without) saving it: `id` names a saved one whose secrets `keep` refers to. */
export const testConnectionRequestSchema = accountFieldsSchema.extend({ id: accountIdSchema.optional() });

export type SaveAccountRequest = z.input<typeof saveAccountRequestSchema>;
export type AccountFields = z.output<typeof accountFieldsSchema>;
export type SecretChange = z.output<typeof secretChangeSchema>;
/** Kept for the settings store's older name. */
export type PasswordChange = SecretChange;
export type ReliableProvisionalsMode = z.output<typeof reliableProvisionalsSchema>;
export type DtmfMethod = z.output<typeof dtmfMethodSchema>;
export type AutoAnswerMode = z.output<typeof autoAnswerSchema>;

/** An ICE server as the renderer sees it in settings: whether a credential is saved, never the credential. */
export interface IceServerView {
  readonly urls: readonly string[];
  readonly username: string;
  readonly hasCredential: boolean;
}

/** An account as the renderer sees it: the secrets are never included, only whether one is saved. */
export interface AccountView {
  readonly id: string;
  readonly enabled: boolean;
  readonly label: string;
  readonly serverUrl: string;
  readonly user: string;
  readonly authUser: string;
  readonly domain: string;
  readonly displayName: string;
  readonly hasPassword: boolean;
  readonly outboundProxy: string;
  readonly iceServers: readonly IceServerView[];
  readonly reliableProvisionals: ReliableProvisionalsMode;
  readonly dtmfMethod: DtmfMethod;
  readonly tls: { readonly caFile: string; readonly acceptInvalidCertificate: boolean };
  readonly autoAnswer: AutoAnswerMode;
  /** The built-in test line's account (on loopback, made by the host). */
  readonly builtIn?: boolean;
}

export interface SettingsView {
  readonly accounts: readonly AccountView[];
}

// ---------------------------------------------------------------------------------------
// Registration status

/** Where an attempt failed. */
export type ConnectionStep = 'configuration' | 'connect' | 'register' | 'unregister';

/** What kind of failure, for the UI to pick words and advice. */
export type FailureKind =
  | 'configuration' | 'dns' | 'refused' | 'tls-certificate' | 'websocket-upgrade' | 'timeout' | 'network'
  | 'auth' | 'sip-status' | 'no-response';

export interface ConnectionFailure {
  readonly step: ConnectionStep;
  readonly kind: FailureKind;
  /** The SIP status when a response said so (401, 403, 404, 503, ...). */
  readonly status?: number;
  /** One or two sentences a user can act on; never a secret. */
  readonly reason: string;
}

export type AccountState = 'disabled' | 'connecting' | 'registering' | 'registered' | 'failed' | 'retrying';

export interface AccountStatus {
  readonly accountId: string;
  readonly state: AccountState;
  /** The address of record, e.g. sip:alice@example.com. */
  readonly aor: string;
  /** Registered: when the binding lapses unless refreshed (ms since the epoch). */
  readonly registeredUntil?: number;
  /** Failed or retrying: what went wrong. */
  readonly failure?: ConnectionFailure;
  /** Retrying: when the next attempt starts (ms since the epoch). */
  readonly retryAt?: number;
  /** The account accepts an unverifiable certificate: shown as a warning. */
  readonly insecureTls: boolean;
}

export interface TestConnectionResult {
  readonly ok: boolean;
  /** The steps that passed, in order, with how long each took (ms). */
  readonly steps: readonly { readonly step: ConnectionStep; readonly ms: number }[];
  readonly failure?: ConnectionFailure;
  /** Registered: the expiry the registrar granted (s). */
  readonly expires?: number;
}
