// Socket errors in words a user can act on.

const HINTS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused (is the server running and listening on that port?)',
  ECONNRESET: 'connection reset by the peer',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found in DNS',
  EAI_AGAIN: 'DNS lookup failed (temporary)',
  EPIPE: 'connection closed by the peer while sending',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available on this machine',
  EACCES: 'permission denied',
  EMSGSIZE: 'message too long for one datagram',
};

/** `could not connect to tcp:127.0.0.1:5060: connection refused (...)`. */
export function describeSocketError(error: unknown, what: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const hint = code === undefined ? undefined : HINTS[code];
  const message = error instanceof Error ? error.message : String(error);
  return `${what}: ${hint ? `${hint} [${code}]` : message}`;
}
