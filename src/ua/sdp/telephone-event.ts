// RFC 4733 telephone-events in a session description: whether a peer can
// take DTMF in the media ("a=rtpmap:<pt> telephone-event/<rate>" on an audio
// stream that is not disabled), so a host can choose RFC 4733 or SIP INFO.

/** True when an audio m= line of `sdp` (port not 0) lists a telephone-event payload (RFC 4733 §7.1.1). */
export function offersTelephoneEvent(sdp: string): boolean {
  let audio = false;
  let formats: string[] = [];
  for (const line of sdp.split(/\r?\n/)) {
    const media = /^m=(\S+) (\d+)(?:\/\d+)? \S+((?: \S+)*)\s*$/.exec(line);
    if (media) {
      audio = media[1] === 'audio' && media[2] !== '0';
      formats = media[3]!.trim().split(/\s+/);
      continue;
    }
    const rtpmap = /^a=rtpmap:(\d+) telephone-event\/\d+/i.exec(line);
    if (audio && rtpmap && formats.includes(rtpmap[1]!)) return true;
  }
  return false;
}
