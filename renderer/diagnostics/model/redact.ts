// Secrets out of what a support bundle carries. A SIP trace rarely holds a password, but a
// digest response is a hash an attacker can test passwords against, and the nonces with it
// make that easier; Basic and Bearer credentials are the secret itself; a SIP URI may carry
// a password (`sip:alice:secret@host`, RFC 3261 §19.1.1, deprecated but legal); SDP carries
// ICE passwords and SDES keys. Each is replaced by "[removed]", keeping everything a reader
// needs to follow the call (user, realm, uri, algorithm, qop). Folded header lines (a line
// starting with white space continues the header above) are treated as part of their header.
// Values of JSON fields named like a secret go too.

export const REMOVED = '[removed]';

const AUTH_HEADER = /^((?:proxy-)?(?:authorization|authenticate|www-authenticate|authentication-info)[ \t]*:)(.*)$/i;
const ANY_HEADER = /^[A-Za-z0-9!%'*+._`~-]+[ \t]*:/;
/** Digest parameters that help guess a password, or replay a request. */
const SECRET_PARAMS = /\b(response|nonce|cnonce|opaque|nextnonce|rspauth)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[^,\s]*)/gi;
/** Schemes whose credentials are the secret itself (RFC 7617 Basic, RFC 8898 Bearer). */
const TOKEN_SCHEMES = /\b(Basic|Bearer)([ \t]+)([A-Za-z0-9+/=._~-]+)/gi;
const SDP_SECRETS = /^(a=ice-pwd:|a=crypto:\s*\S+\s+\S+\s+inline:)([^\s|]*)(.*)$/i;
/** `sip:user:password@host`: the password part of a SIP or SIPS URI's userinfo. */
const URI_PASSWORD = /\b(sips?:[^:@\s<>;"]+):([^@\s<>;"]+)@/gi;
const SECRET_KEY = /pass(word)?|secret|credential|token|authorization/i;

function redactAuthValue(value: string): string {
  return value
    .replace(SECRET_PARAMS, (_m, name: string, v: string) => `${name}=${v.startsWith('"') ? `"${REMOVED}"` : REMOVED}`)
    .replace(TOKEN_SCHEMES, (_m, scheme: string, space: string) => `${scheme}${space}${REMOVED}`);
}

function redactUris(line: string): string {
  return line.replace(URI_PASSWORD, (_m, user: string) => `${user}:${REMOVED}@`);
}

/** A SIP message (or any text of them) with its secrets replaced. Line endings are kept. */
export function redactSipText(text: string): string {
  let inAuth = false;
  return text.split(/(\r?\n)/).map((part) => {
    if (part === '\n' || part === '\r\n') return part;
    const auth = AUTH_HEADER.exec(part);
    if (auth) {
      inAuth = true;
      return `${auth[1]}${redactAuthValue(redactUris(auth[2]!))}`;
    }
    if (inAuth && /^[ \t]/.test(part)) return redactAuthValue(redactUris(part));
    inAuth = false;
    if (ANY_HEADER.test(part) || !part.startsWith('a=')) return redactUris(part);
    const sdp = SDP_SECRETS.exec(part);
    return sdp ? `${sdp[1]}${REMOVED}${sdp[3]}` : part;
  }).join('');
}

/** A JSON-like value with every string redacted as SIP text and secret-named fields removed. */
export function redactValue(value: unknown, drop: ReadonlySet<string> = new Set()): unknown {
  if (typeof value === 'string') return redactSipText(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, drop));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      if (drop.has(key)) continue;
      out[key] = SECRET_KEY.test(key) && typeof v === 'string' ? REMOVED : redactValue(v, drop);
    }
    return out;
  }
  return value;
}
