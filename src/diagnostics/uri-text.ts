// Text of URIs and name-addrs for the model and its findings (comparable, printable).
import { formatUri } from '../message/index.js';
import type { NameAddr, Uri } from '../message/index.js';

export function uriText(uri: Uri): string {
  try {
    return formatUri(uri);
  } catch {
    return 'value' in uri ? `${uri.scheme}:${uri.value}` : uri.scheme;
  }
}

/** Route / Record-Route entry: `<uri>` plus its header parameters, as in the header. */
export function nameAddrText(value: NameAddr): string {
  const params = [...value.params].map(([k, v]) => (v === null ? `;${k}` : `;${k}=${v}`)).join('');
  return `<${uriText(value.uri)}>${params}`;
}

/** The host of a sip/sips URI, without IPv6 brackets, lower-cased; undefined for other schemes. */
export function uriHost(uri: Uri): string | undefined {
  if (uri.scheme !== 'sip' && uri.scheme !== 'sips') return undefined;
  const host = (uri as { host: string }).host.toLowerCase();
  return host.startsWith('[') ? host.slice(1, -1) : host;
}
