// Answering an offer stream by stream (RFC 3264 §6): "The answer MUST contain
// exactly the same number of "m=" lines as the offer", in the same order; a
// stream the answerer cannot take is refused "by setting the port to zero".
// When no stream can be taken the INVITE fails with 488 and a Warning saying
// why (RFC 3261 §21.4.26, §20.43: 302 incompatible transport, 304 media type
// not available, 305 incompatible media format, 399 anything else).
// Works on SDP text, section by section: only the m= lines and the payload
// type attributes are rewritten, the rest of our session is kept as written.

/** Why an offer cannot be answered: a Warning code (RFC 3261 §20.43) and its text. */
export interface OfferRefusal {
  readonly warning: 302 | 304 | 305 | 399;
  readonly text: string;
}

/** Thrown by an SDP handler's createAnswer when no offered stream can be accepted. */
export class OfferNotAcceptableError extends Error {
  constructor(readonly refusal: OfferRefusal) {
    super(refusal.text);
    this.name = 'OfferNotAcceptableError';
  }
}

interface MediaSection {
  readonly media: string;
  readonly port: string;
  readonly proto: string;
  readonly formats: readonly string[];
  /** Lines after the m= line, without their CRLF. */
  readonly lines: readonly string[];
}

interface Session {
  readonly head: readonly string[];
  readonly sections: readonly MediaSection[];
}

/** RFC 3551 static payload types an offer may use without an rtpmap. */
const STATIC_TYPES: Readonly<Record<string, string>> = {
  0: 'pcmu/8000', 3: 'gsm/8000', 4: 'g723/8000', 8: 'pcma/8000', 9: 'g722/8000', 13: 'cn/8000', 18: 'g729/8000',
};

/** Formats that make no call by themselves (RFC 4733 events, RFC 3389 comfort noise). */
const AUXILIARY = new Set(['telephone-event', 'cn']);

function parseSession(text: string): Session {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const head: string[] = [];
  const sections: Array<MediaSection & { lines: string[] }> = [];
  for (const line of lines) {
    const m = /^m=(\S+) (\S+) (\S+)(?: (.*))?$/.exec(line);
    if (m) {
      sections.push({ media: m[1]!.toLowerCase(), port: m[2]!, proto: m[3]!, formats: (m[4] ?? '').split(' ').filter(Boolean), lines: [] });
    } else if (line.startsWith('m=')) {
      sections.push({ media: '', port: '0', proto: '', formats: [], lines: [] });
    } else if (sections.length > 0) {
      sections[sections.length - 1]!.lines.push(line);
    } else {
      head.push(line);
    }
  }
  return { head, sections };
}

/** What a payload type of a section means: `name/rate`, lower case. */
function encodingOf(section: MediaSection, pt: string): string | undefined {
  const map = section.lines.find((l) => l.startsWith(`a=rtpmap:${pt} `));
  if (map) return map.slice(`a=rtpmap:${pt} `.length).split('/').slice(0, 2).join('/').trim().toLowerCase();
  return STATIC_TYPES[pt];
}

/** A session description at all? RFC 4566 §5: "v=0" first, then o=, s=; an offer needs an m= line. */
export function offerStructureProblem(offer: string): OfferRefusal | undefined {
  const lines = offer.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines[0] !== 'v=0' || !lines.some((l) => l.startsWith('o=')) || !lines.some((l) => l.startsWith('s='))) {
    return { warning: 399, text: 'the body is not a session description (RFC 4566 §5: v=0, o=, s=)' };
  }
  if (!lines.some((l) => l.startsWith('m='))) return { warning: 399, text: 'the offer has no m= line: no media to answer (RFC 3264 §5)' };
  return undefined;
}

/** Our section answering theirs: the formats both have, with their payload type numbers (RFC 3264 §6.1). */
function answerSection(ours: MediaSection, theirs: MediaSection): string[] | undefined {
  const kept: Array<{ ourPt: string; theirPt: string }> = [];
  for (const pt of ours.formats) {
    const encoding = encodingOf(ours, pt);
    const match = theirs.formats.find((t) => (encoding === undefined ? t === pt : encodingOf(theirs, t) === encoding));
    if (match !== undefined) kept.push({ ourPt: pt, theirPt: match });
  }
  if (!kept.some((k) => !AUXILIARY.has((encodingOf(ours, k.ourPt) ?? '').split('/')[0]!))) return undefined;
  const renumber = new Map(kept.map((k) => [k.ourPt, k.theirPt]));
  const lines = [`m=${ours.media} ${ours.port} ${ours.proto} ${kept.map((k) => k.theirPt).join(' ')}`];
  for (const line of ours.lines) {
    const attribute = /^a=(rtpmap|fmtp|rtcp-fb):(\d+)( .*)$/.exec(line);
    if (!attribute) {
      lines.push(line);
      continue;
    }
    const pt = renumber.get(attribute[2]!);
    if (pt !== undefined) lines.push(`a=${attribute[1]!}:${pt}${attribute[3]!}`);
  }
  return lines;
}

/** Why none of the offered streams can be taken, naming the closest miss. */
function refusalFor(ours: readonly MediaSection[], offered: readonly MediaSection[]): OfferRefusal {
  const ourMedia = [...new Set(ours.map((s) => s.media))];
  const sameMedia = offered.filter((s) => ourMedia.includes(s.media));
  const listed = offered.map((s) => `${s.media || '?'} ${s.proto}`).join(', ');
  if (sameMedia.length === 0) return { warning: 304, text: `no ${ourMedia.join(' or ')} stream offered (offered: ${listed})` };
  if (!sameMedia.some((s) => /RTP/i.test(s.proto))) return { warning: 302, text: `no RTP transport offered (offered: ${listed})` };
  return { warning: 305, text: `no media format in common (offered: ${sameMedia.map((s) => `${s.media} ${s.formats.join(' ')}`).join(', ')})` };
}

/**
 * The answer to `offer` made of `ours` (a whole session description): our
 * session lines, then for each offered stream our first unused section of the
 * same media with an RTP transport and a format in common, or the offered m=
 * line with port 0. Throws OfferNotAcceptableError when no stream is taken.
 */
export function answerOffer(ours: string, offer: string): string {
  const problem = offerStructureProblem(offer);
  if (problem) throw new OfferNotAcceptableError(problem);
  const local = parseSession(ours);
  const remote = parseSession(offer);
  const used = new Set<number>();
  const out = [...local.head];
  let accepted = 0;
  for (const theirs of remote.sections) {
    let answered: string[] | undefined;
    for (let i = 0; i < local.sections.length && answered === undefined; i++) {
      const candidate = local.sections[i]!;
      if (used.has(i) || candidate.media !== theirs.media || !/RTP/i.test(theirs.proto) || theirs.port === '0') continue;
      answered = answerSection(candidate, theirs);
      if (answered) used.add(i);
    }
    if (answered) {
      accepted++;
      out.push(...answered);
    } else {
      out.push(`m=${theirs.media || 'audio'} 0 ${theirs.proto || 'RTP/AVP'} ${theirs.formats.join(' ') || '0'}`.trimEnd());
    }
  }
  if (accepted === 0) throw new OfferNotAcceptableError(refusalFor(local.sections, remote.sections));
  return `${out.join('\r\n')}\r\n`;
}

/** The streams of `offer` we would accept from `ours`, or why none: for a check before ringing. */
export function checkOfferAgainst(ours: string, offer: string): OfferRefusal | undefined {
  try {
    answerOffer(ours, offer);
    return undefined;
  } catch (error) {
    if (error instanceof OfferNotAcceptableError) return error.refusal;
    throw error;
  }
}
