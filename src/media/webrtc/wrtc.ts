// @roamhq/wrtc (libwebrtc for Node, N-API, so it also loads in Electron's
// main process), loaded lazily: only a WebRTC session needs it, and where its
// native binary is missing or cannot load, that is one sentence, not a crash.
// Only the part of its API the engine uses is typed here.
import { createRequire } from 'node:module';

export interface WrtcDescription {
  readonly type: 'offer' | 'answer' | 'pranswer' | 'rollback';
  readonly sdp?: string;
}

export interface WrtcTrack {
  readonly kind: string;
  stop(): void;
}

export interface WrtcCodec {
  readonly mimeType: string;
  readonly clockRate: number;
  readonly channels?: number;
  readonly sdpFmtpLine?: string;
}

export interface WrtcTransceiver {
  direction: string;
  readonly currentDirection: string | null;
  readonly sender: { readonly track: WrtcTrack | null };
  readonly receiver: { readonly track: WrtcTrack };
  setCodecPreferences(codecs: readonly WrtcCodec[]): void;
}

export interface WrtcStatsReport {
  forEach(callback: (stats: Record<string, unknown> & { readonly id: string; readonly type: string }) => void): void;
}

export interface WrtcPeerConnection {
  readonly localDescription: WrtcDescription | null;
  readonly remoteDescription: WrtcDescription | null;
  readonly signalingState: string;
  readonly iceGatheringState: string;
  readonly iceConnectionState: string;
  readonly connectionState: string;
  createOffer(): Promise<WrtcDescription>;
  createAnswer(): Promise<WrtcDescription>;
  setLocalDescription(description?: WrtcDescription): Promise<void>;
  setRemoteDescription(description: WrtcDescription): Promise<void>;
  addTrack(track: WrtcTrack): unknown;
  getTransceivers(): WrtcTransceiver[];
  getStats(): Promise<WrtcStatsReport>;
  addEventListener(type: string, listener: (event: { readonly track?: WrtcTrack }) => void): void;
  close(): void;
}

export interface WrtcAudioData {
  readonly samples: Int16Array;
  readonly sampleRate: number;
  readonly bitsPerSample?: number;
  readonly channelCount?: number;
  readonly numberOfFrames?: number;
}

export interface WrtcAudioSource {
  createTrack(): WrtcTrack;
  /** Exactly 10 ms of 16-bit audio per call. */
  onData(data: WrtcAudioData): void;
}

export interface WrtcAudioSink {
  ondata: ((data: WrtcAudioData) => void) | null;
  stop(): void;
}

export interface Wrtc {
  readonly RTCPeerConnection: new (configuration: { iceServers: ReadonlyArray<{ urls: string | string[] }> }) => WrtcPeerConnection;
  readonly RTCRtpSender: { getCapabilities(kind: 'audio'): { codecs: WrtcCodec[] } | null };
  readonly nonstandard: {
    readonly RTCAudioSource: new () => WrtcAudioSource;
    readonly RTCAudioSink: new (track: WrtcTrack) => WrtcAudioSink;
  };
}

export type WrtcLoad = { readonly ok: true; readonly value: Wrtc } | { readonly ok: false; readonly error: string };

let loaded: WrtcLoad | undefined;

/** Why the module could not load, in a few words (its own messages list every path it tried). */
function shortReason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (/Could not find wrtc binary/.test(message)) return `no native binary for ${process.platform}-${process.arch} (the optional package @roamhq/wrtc-${process.platform}-${process.arch} is not installed)`;
  if (code === 'MODULE_NOT_FOUND' && /'@roamhq\/wrtc'/.test(message)) return 'the package @roamhq/wrtc is not installed';
  return (message.split('\n')[0] ?? message).slice(0, 160);
}

/**
 * libwebrtc's static destructors crash the process (SIGSEGV) when it exits
 * by running out of work while wrtc objects were ever made. Ending it
 * explicitly at that moment — 'beforeExit' only fires when nothing is left to
 * do — keeps the exit code the process meant to have.
 */
function guardExit(): void {
  process.once('beforeExit', (code) => process.exit(code));
}

/**
 * The wrtc module, loaded on first use; a failure is one sentence (and stays
 * the answer: loading is tried once). `load` replaces `require` in tests.
 */
export function loadWrtc(load?: (id: string) => unknown): WrtcLoad {
  if (loaded && !load) return loaded;
  let result: WrtcLoad;
  try {
    const wrtc = (load ?? createRequire(import.meta.url))('@roamhq/wrtc') as Wrtc;
    if (typeof wrtc?.RTCPeerConnection !== 'function' || typeof wrtc.nonstandard?.RTCAudioSource !== 'function') {
      throw new Error('the module has no RTCPeerConnection or RTCAudioSource');
    }
    result = { ok: true, value: wrtc };
  } catch (error) {
    result = { ok: false, error: `WebRTC media is not available here: @roamhq/wrtc cannot be loaded (${shortReason(error)}; it ships binaries for Linux x64/arm64, macOS and Windows x64, installed by npm ci with its optional dependencies)` };
  }
  // A test's stand-in loader is not remembered, so the real one is still tried later.
  if (!load) {
    loaded = result;
    if (result.ok) guardExit();
  }
  return result;
}
