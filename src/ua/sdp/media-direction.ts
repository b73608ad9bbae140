// Media direction in offers and answers (RFC 3264 §5.1, §6.1, §8.4): what
// a session description says about who sends, the direction we offer for
// hold and resume, and the direction of an answer. Pure functions over the
// SDP text; the SDP handler stays the only place that builds sessions.
import type { MediaDirection } from './sdp-handler.js';

/** Who may send, from one side's point of view. */
export interface Flow {
  readonly send: boolean;
  readonly recv: boolean;
}

export function flowOf(direction: MediaDirection): Flow {
  return { send: direction === 'sendrecv' || direction === 'sendonly', recv: direction === 'sendrecv' || direction === 'recvonly' };
}

export function directionOf(flow: Flow): MediaDirection {
  if (flow.send && flow.recv) return 'sendrecv';
  if (flow.send) return 'sendonly';
  return flow.recv ? 'recvonly' : 'inactive';
}

const DIRECTIONS = new Set<string>(['sendrecv', 'sendonly', 'recvonly', 'inactive']);
const DIRECTION_LINE = /^a=(sendrecv|sendonly|recvonly|inactive)[ \t]*$/;

/**
 * The direction a session description declares for its first media stream:
 * the attribute of that m= section, else the session-level one, else
 * sendrecv (RFC 4566 §6: "If none of the attributes ... is present,
 * 'sendrecv' SHOULD be assumed"). A connection address of 0.0.0.0 is the
 * RFC 2543 way of holding (RFC 3264 §8.4): the offerer will not receive.
 */
export function sdpDirection(sdp: string): MediaDirection {
  const lines = sdp.split(/\r?\n/);
  let session: MediaDirection | undefined;
  let media: MediaDirection | undefined;
  let inFirstMedia = false;
  let seenMedia = false;
  let nullConnection = false;
  for (const line of lines) {
    if (line.startsWith('m=')) {
      if (seenMedia) break;
      seenMedia = true;
      inFirstMedia = true;
      continue;
    }
    const match = DIRECTION_LINE.exec(line);
    if (match && DIRECTIONS.has(match[1]!)) {
      if (inFirstMedia) media = match[1] as MediaDirection;
      else session = match[1] as MediaDirection;
    }
    if (/^c=IN IP4 0\.0\.0\.0\b/.test(line)) nullConnection = true;
  }
  const declared = media ?? session ?? 'sendrecv';
  if (!nullConnection) return declared;
  return directionOf({ send: flowOf(declared).send, recv: false });
}

/**
 * `sdp` with `direction` on every media stream: existing direction
 * attributes are replaced; without any, sendrecv (the default) leaves the
 * text as it is and another direction is added to each m= section.
 */
export function setSdpDirection(sdp: string, direction: MediaDirection): string {
  const eol = sdp.includes('\r\n') ? '\r\n' : '\n';
  const lines = sdp.split(/\r?\n/);
  const trailing = lines[lines.length - 1] === '' ? lines.pop() : undefined;
  const hasAttribute = lines.some((l) => DIRECTION_LINE.test(l));
  let out: string[];
  if (hasAttribute) {
    // Session-level attributes go; each media section gets its own.
    out = [];
    let inMedia = false;
    let sectionHasDirection = false;
    for (const line of lines) {
      if (line.startsWith('m=')) {
        if (inMedia && !sectionHasDirection) out.push(`a=${direction}`);
        inMedia = true;
        sectionHasDirection = false;
      }
      if (DIRECTION_LINE.test(line)) {
        if (!inMedia) continue;
        sectionHasDirection = true;
        out.push(`a=${direction}`);
        continue;
      }
      out.push(line);
    }
    if (inMedia && !sectionHasDirection) out.push(`a=${direction}`);
  } else if (direction === 'sendrecv') {
    return sdp;
  } else {
    out = [];
    let inMedia = false;
    for (const line of lines) {
      if (line.startsWith('m=') && inMedia) out.push(`a=${direction}`);
      if (line.startsWith('m=')) inMedia = true;
      out.push(line);
    }
    if (inMedia) out.push(`a=${direction}`);
  }
  if (trailing !== undefined) out.push(trailing);
  return out.join(eol);
}

/** The o= line's session version (RFC 4566 §5.2), if the line is well formed. */
export function sdpVersion(sdp: string): number | undefined {
  const match = /^o=\S+ \S+ (\d+) /m.exec(sdp);
  return match ? Number(match[1]) : undefined;
}

/** `sdp` with its o= session version set to `version`. */
export function setSdpVersion(sdp: string, version: number): string {
  return sdp.replace(/^(o=\S+ \S+ )\d+( )/m, `$1${version}$2`);
}

/**
 * The direction we offer (RFC 3264 §8.4): "If the stream to be placed on
 * hold was previously a sendrecv media stream, it is placed on hold by
 * marking it sendonly. If the stream ... was previously a recvonly media
 * stream, it is placed on hold by marking it inactive." We receive unless we
 * hold; we send unless the peer holds us (its last offer would not receive).
 */
export function offerDirection(state: { readonly localHold: boolean; readonly remoteHold: boolean }): MediaDirection {
  return directionOf({ send: !state.remoteHold, recv: !state.localHold });
}

/**
 * The direction of our answer (RFC 3264 §6.1): "If a stream is offered as
 * sendonly, the corresponding stream MUST be marked as recvonly or inactive
 * in the answer. If a media stream is listed as recvonly in the offer, the
 * answer MUST be marked as sendonly or inactive ... If an offered media
 * stream is listed as inactive, it MUST be marked as inactive in the answer."
 * While we hold, we do not receive.
 */
export function answerDirection(offered: MediaDirection, localHold: boolean): MediaDirection {
  const theirs = flowOf(offered);
  return directionOf({ send: theirs.recv, recv: theirs.send && !localHold });
}

/** An offer that holds its answerer: the offerer will not receive (sendonly or inactive). */
export function holdsAnswerer(offered: MediaDirection): boolean {
  return !flowOf(offered).recv;
}
