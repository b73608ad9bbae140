// The SIP server a user types: `wss://host[:port][/path]`, `ws://...` (loopback
// only unless allowed), `sip:host[:port][;transport=udp|tcp|tls]` or
// `sips:host[:port]`. Parsing never throws: anything else gets a reason that
// says what to write instead. No DNS SRV/NAPTR (RFC 3263): the host is used
// as given, with the transport's default port.
import { isIP } from 'node:net';
import { parseUri } from '../../message/index.js';
import type { Result } from '../../message/index.js';
import type { TransportProtocol } from '../../transport/transport.js';

export interface ServerSpec {
  readonly protocol: TransportProtocol;
  /** Host name or IP literal (IPv6 without brackets). */
  readonly host: string;
  readonly port: number;
  /** WS/WSS only: the URL to open (normalized by the URL parser). */
  readonly url?: string;
  /** True for `sips:` and `wss://`: TLS on the first hop (RFC 3261 §26.2.2 for sips). */
  readonly secure: boolean;
  /** How the server is named in messages: the URL, or `udp:host:port`. */
  readonly display: string;
}

export interface ServerSpecOptions {
  /**
   * Allow `ws://` (SIP and digest answers in clear text) to a host that is
   * not loopback. Off by default: an explicit choice, never implied.
   */
  readonly allowPlainWebSocket?: boolean;
}

const FORMS = 'wss://host[:port][/path], sip:host[:port];transport=udp|tcp|tls or sips:host[:port]';

/** 127.0.0.0/8, ::1 and localhost: where plain ws:// cannot be overheard. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

function bracketed(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/**
 * Parses one server as typed; `{ ok: false, error }` carries a sentence for
 * the user (with any password typed into the server masked).
 */
export function parseServerSpec(input: string, options: ServerSpecOptions = {}): Result<ServerSpec, string> {
  const result = parse(input.trim(), options);
  if (result.ok) return result;
  const text = input.trim();
  const known = /^(?:sips?:|wss?:\/\/|https?:\/\/)/i.exec(text)?.[0] ?? '';
  const password = /^[^:@/]*:([^@/]+)@/.exec(text.slice(known.length))?.[1];
  return password === undefined ? result : fail(result.error.split(password).join('***'));
}

function parse(text: string, options: ServerSpecOptions): Result<ServerSpec, string> {
  if (text === '') return fail(`no server given: expected ${FORMS}`);
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'ws':
    case 'wss':
      return parseWebSocket(text, scheme, options);
    case 'sip':
    case 'sips':
      return parseSipUri(text, scheme);
    case 'http':
    case 'https':
      return fail(`"${text}" is an HTTP URL; SIP over WebSocket is written ${scheme === 'https' ? 'wss' : 'ws'}://${text.slice(scheme.length + 3)}`);
    default:
      // `host:port` looks like a scheme to the pattern above; it has none.
      if (scheme === undefined || /^[^:/]+:\d+(\/.*)?$/.test(text)) {
        return fail(`"${text}" has no scheme: write wss://${text} for SIP over WebSocket, or sip:${text};transport=udp|tcp|tls`);
      }
      return fail(`"${text}" is not a SIP server (${scheme}: is not supported): expected ${FORMS}`);
  }
}

function fail(error: string): Result<ServerSpec, string> {
  return { ok: false, error };
}

function parseWebSocket(text: string, scheme: 'ws' | 'wss', options: ServerSpecOptions): Result<ServerSpec, string> {
  const port = /^wss?:\/\/(?:\[[^\]]*\]|[^/:?#]*):(\d+)/i.exec(text)?.[1];
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return fail(`port ${port} of "${text}" is out of range (1-65535)`);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(`"${text}" is not a valid WebSocket URL: expected ${scheme}://host[:port][/path]`);
  }
  if (url.hostname === '') return fail(`"${text}" has no host: expected ${scheme}://host[:port][/path]`);
  if (url.username !== '' || url.password !== '') {
    return fail(`"${text}" carries a user name or password; give the server without them (credentials are configured separately, never in a URL)`);
  }
  if (url.hash !== '') return fail(`"${text}" has a #fragment, which a WebSocket URL cannot have`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (scheme === 'ws' && !isLoopbackHost(host) && options.allowPlainWebSocket !== true) {
    return fail(`"${text}" is plain ws:// to ${host}: SIP and digest answers would cross the network unencrypted. `
      + `Use wss://${text.slice(5)}, or allow plain ws:// explicitly for this server`);
  }
  const effectivePort = url.port === '' ? (scheme === 'wss' ? 443 : 80) : Number(url.port);
  return {
    ok: true,
    value: { protocol: scheme === 'wss' ? 'WSS' : 'WS', host, port: effectivePort, url: url.href, secure: scheme === 'wss', display: url.href },
  };
}

function parseSipUri(text: string, scheme: 'sip' | 'sips'): Result<ServerSpec, string> {
  const parsed = parseUri(text);
  if (!parsed.ok) {
    const detail = parsed.error.message.replace(/ in URI/, '').replace(/ \(at \d+\)$/, '');
    return fail(`"${text}" is not a valid server: ${detail}; expected ${scheme === 'sips' ? 'sips:host[:port]' : 'sip:host[:port];transport=udp|tcp|tls'}`);
  }
  const uri = parsed.value;
  if (!('host' in uri)) return fail(`"${text}" is not a valid server: expected ${FORMS}`);
  if (uri.user !== undefined) {
    return fail(`"${text}" names a user; a server is just a host: write ${scheme}:${uri.host}${uri.port === undefined ? '' : `:${uri.port}`} (the account is configured separately)`);
  }
  if (uri.headers.length > 0) return fail(`"${text}" has URI headers (?...), which mean nothing for a server`);
  for (const name of uri.params.keys()) {
    if (name !== 'transport' && name !== 'lr') return fail(`"${text}": the URI parameter ;${name} is not supported for a server (only ;transport)`);
  }
  const transport = uri.params.get('transport')?.toLowerCase();
  let protocol: TransportProtocol;
  if (transport === 'ws' || transport === 'wss') {
    return fail(`"${text}": for SIP over WebSocket give its URL instead, e.g. wss://${uri.host}${uri.port === undefined ? '' : `:${uri.port}`}/`);
  }
  if (scheme === 'sips') {
    // RFC 3261 §26.2.2: a SIPS URI is reached over TLS; `transport=tcp` means TLS over TCP.
    if (transport !== undefined && transport !== 'tcp' && transport !== 'tls') {
      return fail(`"${text}": sips: is always reached over TLS; transport=${transport} contradicts it (write sip:...;transport=${transport})`);
    }
    protocol = 'TLS';
  } else if (transport === undefined || transport === 'udp') {
    protocol = 'UDP';
  } else if (transport === 'tcp') {
    protocol = 'TCP';
  } else if (transport === 'tls') {
    protocol = 'TLS';
  } else {
    return fail(`"${text}": transport=${transport} is not supported (udp, tcp or tls; or a wss:// URL)`);
  }
  if (uri.port === 0) return fail(`port 0 of "${text}" is out of range (1-65535)`);
  const host = uri.host.replace(/^\[|\]$/g, '');
  const port = uri.port ?? (protocol === 'TLS' ? 5061 : 5060);
  return {
    ok: true,
    value: { protocol, host, port, secure: scheme === 'sips', display: `${protocol.toLowerCase()}:${bracketed(host)}:${port}` },
  };
}
