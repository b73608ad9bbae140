// The built-in test line from Chromium, with real WebRTC: a fresh browser-mode host starts
// the line and registers its "Test line" account with no input; the page (driving the app
// API over the bridge itself, as the renderer's phone will, since the UI for calls is being
// rebuilt elsewhere) owns the media with an RTCPeerConnection on Chromium's fake
// microphone, dials echo, hears the line's early media before the answer, then its own
// audio back, and hangs up.
import { expect, test } from './host-fixture.js';

test.use({ testLine: true });

// The test tsconfig has no DOM library: the few page globals used in evaluate().
type Json = Record<string, unknown>;
interface PageSocket {
  onopen: (() => void) | null;
  onerror: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}
interface PageAudio {
  srcObject: unknown;
  play(): Promise<void>;
}
interface PagePeer {
  ontrack: ((event: { readonly track: unknown; readonly streams: readonly unknown[] }) => void) | null;
  readonly localDescription: { readonly sdp: string } | null;
  readonly iceGatheringState: string;
  addTrack(track: unknown, stream: unknown): void;
  createOffer(): Promise<{ type: string; sdp?: string }>;
  setLocalDescription(description: { type: string; sdp?: string }): Promise<void>;
  setRemoteDescription(description: { type: string; sdp: string }): Promise<void>;
  getStats(): Promise<{ forEach(each: (report: Json) => void): void }>;
  close(): void;
}
interface PageGlobals {
  readonly WebSocket: new (url: string, protocols: string[]) => PageSocket;
  readonly RTCPeerConnection: new (configuration: Json) => PagePeer;
  readonly Audio: new () => PageAudio;
  readonly MediaStream: new (tracks: unknown[]) => unknown;
  readonly navigator: { readonly mediaDevices: { getUserMedia(constraints: Json): Promise<{ getTracks(): unknown[] }> } };
  readonly location: { readonly host: string };
  readonly sessionStorage: { getItem(key: string): string | null };
}

interface InboundAudio {
  readonly packets: number;
  readonly energy: number;
}

interface EchoCall {
  readonly phases: string[];
  readonly atAnswer: InboundAudio;
  readonly later: InboundAudio;
  readonly sent: number;
  readonly asked: string[];
  readonly end: Json | undefined;
}

test('a fresh install calls echo on the built-in test line: early media, then our own audio back', async ({ page, host }) => {
  test.setTimeout(60_000);
  await page.goto(host.url);
  await expect(page.getByRole('status', { name: 'Host connection' })).toHaveText(/Connected to host/);
  const result = await page.evaluate(async (target): Promise<EchoCall> => {
    const g = globalThis as unknown as PageGlobals;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const socket = new g.WebSocket(`ws://${g.location.host}/api`, ['callscope.v1', `callscope-token.${g.sessionStorage.getItem('callscope.token') ?? ''}`]);
    await new Promise<void>((resolve, reject) => { socket.onopen = () => resolve(); socket.onerror = () => reject(new Error('the bridge refused the page')); });
    const pending = new Map<number, (result: Json) => void>();
    const events: Json[] = [];
    const listeners = new Set<(event: Json) => void>();
    socket.onmessage = (message) => {
      const data = JSON.parse(String(message.data)) as Json;
      if (data.kind === 'response') pending.get(data.id as number)?.(data.result as Json);
      if (data.kind === 'event') {
        events.push(data.event as Json);
        for (const listener of listeners) listener(data.event as Json);
      }
    };
    let nextId = 1;
    const api = (operation: string, payload?: Json): Promise<Json> => new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, (result) => (result.ok ? resolve(result.value as Json) : reject(new Error(String((result.error as Json).message)))));
      socket.send(JSON.stringify({ kind: 'request', id, operation, ...(payload === undefined ? {} : { payload }) }));
    });
    const next = (match: (event: Json) => boolean, ms = 30_000): Promise<Json> => new Promise((resolve, reject) => {
      const seen = events.find(match);
      if (seen) return resolve(seen);
      const timer = setTimeout(() => reject(new Error(`no matching event; got ${events.map((e) => String(e.type)).join(', ')}`)), ms);
      listeners.add((event) => { if (match(event)) { clearTimeout(timer); resolve(event); } });
    });

    // The media owner: one RTCPeerConnection per call, on the fake microphone.
    const microphone = await g.navigator.mediaDevices.getUserMedia({ audio: true });
    const peers = new Map<string, PagePeer>();
    const asked: string[] = [];
    const perform = async (request: Json): Promise<Json> => {
      const callId = String(request.callId);
      asked.push(request.kind === 'apply-answer' ? `apply-${request.provisional ? 'pr' : 'final'}` : String(request.kind));
      if (request.kind === 'create-offer') {
        const pc = new g.RTCPeerConnection({ iceServers: [] });
        peers.set(callId, pc);
        // Played out, as the phone plays it: Chromium measures the received audio's energy at playout.
        pc.ontrack = (event) => {
          const speaker = new g.Audio();
          speaker.srcObject = event.streams[0] ?? new g.MediaStream([event.track]);
          void speaker.play().catch(() => undefined);
        };
        for (const track of microphone.getTracks()) pc.addTrack(track, microphone);
        await pc.setLocalDescription(await pc.createOffer());
        for (let waited = 0; pc.iceGatheringState !== 'complete' && waited < 1000; waited += 20) await sleep(20);
        return { ok: true, sdp: pc.localDescription?.sdp ?? '' };
      }
      const pc = peers.get(callId);
      if (request.kind === 'apply-answer' && pc) await pc.setRemoteDescription({ type: request.provisional ? 'pranswer' : 'answer', sdp: String(request.sdp) });
      if (request.kind === 'close') pc?.close();
      return { ok: true };
    };
    listeners.add((event) => {
      if (event.type !== 'media-request') return;
      void perform(event.request as Json)
        .catch((error: unknown) => ({ ok: false, error: String(error) }))
        .then((reply) => api('answerMediaRequest', { requestId: event.requestId as number, reply }));
    });
    await api('claimMediaOwner', { pageId: 'e2e-test-line-page', force: true });

    // No input: the test line's account registers by itself.
    for (let i = 0; i < 150; i++) {
      const status = await api('getStatus');
      if ((status.accounts as Json[]).some((a) => a.accountId === 'test-line' && a.state === 'registered')) break;
      await sleep(100);
    }
    const line = await api('getTestLine');
    if (line.state !== 'running') throw new Error(`the test line is ${String(line.state)}`);

    const dialled = await api('dial', { accountId: 'test-line', target });
    const phaseOf = (phase: string) => (event: Json) => event.type === 'call-updated' && (event.call as Json).id === dialled.id && (event.call as Json).phase === phase;
    const inbound = async (): Promise<InboundAudio & { sent: number }> => {
      const audio = { packets: 0, energy: 0, sent: 0 };
      const stats = await peers.get(String(dialled.id))!.getStats();
      stats.forEach((report) => {
        if (report.type === 'inbound-rtp' && report.kind === 'audio') {
          audio.packets = Number(report.packetsReceived ?? 0);
          audio.energy = Number(report.totalAudioEnergy ?? 0);
        }
        if (report.type === 'outbound-rtp' && report.kind === 'audio') audio.sent = Number(report.packetsSent ?? 0);
      });
      return audio;
    };
    await next(phaseOf('answered'));
    const atAnswer = await inbound();
    await sleep(3000);
    const later = await inbound();
    await api('hangup', { callId: dialled.id as string });
    const ended = await next(phaseOf('ended'));
    const phases = events.filter((e) => e.type === 'call-updated' && (e.call as Json).id === dialled.id).map((e) => String((e.call as Json).phase))
      .filter((phase, i, all) => all[i - 1] !== phase);
    socket.close();
    return { phases, atAnswer: { packets: atAnswer.packets, energy: atAnswer.energy }, later, sent: later.sent, asked, end: (ended.call as Json).end as Json | undefined };
  }, 'echo');

  // (100 Trying may come first: the line's answer waits for its ICE gathering.)
  expect(result.phases.filter((phase) => phase !== 'trying')).toEqual(['dialing', 'early-media', 'answered', 'ended']);
  expect(result.asked).toEqual(['create-offer', 'apply-pr', 'apply-final', 'close']);
  // RTP from the line before its 200 OK (the chime), audible.
  expect(result.atAnswer.packets).toBeGreaterThan(20);
  expect(result.atAnswer.energy).toBeGreaterThan(0);
  // Then the echo of what Chromium's fake microphone sends.
  expect(result.sent).toBeGreaterThan(100);
  expect(result.later.packets - result.atAnswer.packets).toBeGreaterThan(100);
  expect(result.later.energy).toBeGreaterThan(result.atAnswer.energy);
  expect(result.end).toMatchObject({ cause: 'hangup-local' });
});
