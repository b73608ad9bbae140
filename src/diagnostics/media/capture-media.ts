// The media of a capture's calls, whole file: a second pass over the capture's
// UDP datagrams once every call's SDPs are known, matched and counted by the
// MediaMatcher (media-matcher.ts: the addresses the SDPs announced, counters
// per RTP stream and STUN/DTLS flow, never the payloads). The streaming
// analysis matches with the same matcher as it reads (stream/stream-media.ts).
import type { TraceMessage } from '../model-types.js';
import { announcedMedia } from './announced-media.js';
import type { CallMedia } from './media-types.js';
import { MediaMatcher, type MediaDatagram } from './media-matcher.js';

export type { MediaDatagram } from './media-matcher.js';

/** The calls the media is matched to: their Call-IDs and messages. */
export interface MediaCallView {
  readonly callId: string;
  readonly messages: readonly number[];
}

/** Builds each call's media from its messages and whatever media evidence the source has. */
export type MediaEvidence = (calls: readonly MediaCallView[], messages: readonly TraceMessage[]) => ReadonlyMap<string, CallMedia>;

/** Reads the datagrams (a second pass over the capture) and returns each call's media. */
export function captureMediaEvidence(datagrams: () => Iterable<MediaDatagram>): MediaEvidence {
  return (calls, messages) => {
    const matcher = new MediaMatcher<number>();
    calls.forEach((call, index) => {
      for (const announced of announcedMedia(call.messages.map((i) => messages[i]!))) matcher.announce(index, announced);
    });
    const out = new Map<string, CallMedia>();
    if (matcher.empty) return out;
    for (const d of datagrams()) matcher.add(d);
    calls.forEach((call, index) => {
      const media = matcher.media(index);
      if (media) out.set(call.callId, media);
    });
    return out;
  };
}
