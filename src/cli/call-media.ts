// The media of `callscope call` and `callscope listen`: the options
// (--media, --play, --record, --echo, --expect-audio), a media engine whose
// plain RTP sessions use the address the system reaches the server from, a
// session per call, and its final measurements once the call has ended.
import { closeSync, openSync } from 'node:fs';
import { localAddressToward, parseServerSpec } from '../ua/connection/server-connection.js';
import { MediaEngine, type MediaKind } from '../media/media-engine.js';
import type { MediaSession } from '../media/media-session.js';
import type { MediaMeasurement } from '../media/measure/measurements.js';
import type { AudioSourceSpec } from '../media/audio/sources.js';
import { WavSource } from '../media/audio/sources.js';

export { mediaOptionNames, mediaUsage } from './media-usage.js';

export interface MediaChoice {
  readonly kind: MediaKind | 'none';
  readonly play?: AudioSourceSpec;
  readonly record?: string;
  readonly expectAudio: boolean;
  /** Said before the call: why there is less media than the defaults promise. */
  readonly note?: string;
}

/** The media options; an error is one sentence with its exit code (2 usage, 1 environment). */
export function parseMediaOptions(values: ReadonlyMap<string, string | true>): MediaChoice | { error: string; code: 1 | 2 } {
  const text = (name: string) => {
    const v = values.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const asked = text('--media');
  if (asked !== undefined && asked !== 'none' && asked !== 'rtp' && asked !== 'webrtc') return { error: `--media needs none, rtp or webrtc, not '${asked}'`, code: 2 };
  if (values.has('--expect-audio') && values.has('--no-expect-audio')) return { error: '--expect-audio and --no-expect-audio contradict each other', code: 2 };
  if (values.has('--sdp') && asked !== undefined && asked !== 'none') return { error: `--sdp gives a fixed session for signalling only: it goes with --media none, not --media ${asked}`, code: 2 };
  if (values.has('--echo') && values.has('--play')) return { error: '--echo and --play both say what to send: give one', code: 2 };
  const server = parseServerSpec(text('--server') ?? '');
  const webSocket = server.ok && (server.value.protocol === 'WS' || server.value.protocol === 'WSS');
  let kind: MediaKind | 'none' = asked ?? (values.has('--sdp') ? 'none' : webSocket ? 'webrtc' : 'rtp');
  let note: string | undefined;
  if (kind === 'webrtc') {
    const unavailable = MediaEngine.unavailable('webrtc');
    if (unavailable !== undefined && asked === 'webrtc') return { error: `${unavailable}; use --media rtp or none`, code: 1 };
    if (unavailable !== undefined) {
      note = `${unavailable}; going on with signalling only (--media none)`;
      kind = 'none';
    }
  }
  const expectAudio = kind !== 'none' && !values.has('--no-expect-audio');
  if (kind === 'none') {
    for (const name of ['--play', '--record', '--echo']) {
      if (values.has(name) && asked === 'none') return { error: `${name} needs media: it does not go with --media none`, code: 2 };
    }
    return { kind, expectAudio: false, ...(note ? { note } : {}) };
  }
  let play: AudioSourceSpec = values.has('--echo') ? { kind: 'echo' } : { kind: 'tone' };
  const playText = text('--play');
  if (playText !== undefined && playText !== 'tone') {
    const wav = WavSource.load(playText);
    if (typeof wav === 'string') return { error: `--play ${wav}`, code: 2 };
    play = { kind: 'wav', path: playText, loop: true };
  }
  const record = text('--record');
  if (record !== undefined) {
    const problem = writable(record);
    if (problem) return { error: `--record ${record}: ${problem}`, code: 2 };
  }
  return { kind, play, expectAudio, ...(record === undefined ? {} : { record }), ...(note ? { note } : {}) };
}

function writable(path: string): string | undefined {
  try {
    closeSync(openSync(path, 'a'));
    return undefined;
  } catch (error) {
    return `cannot write there (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
}

/** The file of the n-th call's recording: FILE for the first, FILE-2.wav, FILE-3.wav ... after. */
export function recordingPath(file: string, n: number): string {
  if (n <= 1) return file;
  const match = /^(.*?)(\.wav)?$/i.exec(file)!;
  return `${match[1]}-${n}${match[2] ?? '.wav'}`;
}

/** How long the last measurement and the release of a session may take before the report goes without it. */
const CLOSE_BOUND_MS = 5000;

/** The engine of one command, with the choices made on its command line. */
export class CallMedia {
  private count = 0;

  private constructor(private readonly engine: MediaEngine, private readonly choice: MediaChoice & { kind: MediaKind }) {}

  /**
   * The engine for `choice`, or undefined for --media none. Plain RTP
   * listens on the address the system reaches the server from (or --local's).
   */
  static async start(choice: MediaChoice, server: string, now: () => number, localHost?: string): Promise<CallMedia | undefined> {
    if (choice.kind === 'none') return undefined;
    let address = localHost ?? '127.0.0.1';
    const spec = parseServerSpec(server);
    if (localHost === undefined && spec.ok) address = await localAddressToward(spec.value.host, spec.value.port).catch(() => address);
    const engine = new MediaEngine({ now, rtp: { address } });
    return new CallMedia(engine, { ...choice, kind: choice.kind });
  }

  get kind(): MediaKind {
    return this.choice.kind;
  }

  /** A session for the next call (the n-th records to FILE-n.wav). */
  session(): MediaSession {
    this.count++;
    const { kind, play, record } = this.choice;
    return this.engine.createSession({
      kind, ...(play ? { play } : {}), ...(record === undefined ? {} : { record: recordingPath(record, this.count) }),
    });
  }

  /** The final measurements of a session its call has closed (or closes now); undefined if they do not come in time. */
  async finish(session: MediaSession): Promise<MediaMeasurement | undefined> {
    session.close();
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), CLOSE_BOUND_MS); });
    const measured = await Promise.race([session.closed, bound]);
    clearTimeout(timer);
    return measured;
  }

  /** Closes whatever is still open (a WebRTC session left open would keep the process alive). */
  async close(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.engine.closeAll(), new Promise((resolve) => { timer = setTimeout(resolve, CLOSE_BOUND_MS); })]);
    clearTimeout(timer);
  }
}
