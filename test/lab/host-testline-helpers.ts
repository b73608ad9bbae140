// What the host-testline tests share (no SIP lab: the host and its built-in test line on
// loopback): a host started as the app starts it (the test line when no account is saved),
// with T1 and the line's waits shortened; a page standing in for the renderer as media
// owner (static SDP, or media-engine WebRTC sessions for real audio); and, for each
// account's diagnostics stream, a LiveRecorder — the caller's model, as the panel builds it.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { AccountStatus, AppEvent, CallView } from '../../main/contract/app-api.js';
import { createHost, type Host } from '../../main/host/host.js';
import { createFileKeyVault } from '../../main/secret-vault.js';
import { LiveRecorder } from '../../src/diagnostics/live-recorder.js';
import type { CallModel } from '../../src/diagnostics/model-types.js';
import { MediaEngine } from '../../src/media/media-engine.js';
import type { MediaSession } from '../../src/media/media-session.js';
import type { AudioSourceSpec } from '../../src/media/audio/sources.js';
import type { LineTiming } from '../../src/testline/numbers.js';
import { memoryStores, type MemoryStores } from '../support/memory-stores.js';
import { NodeMediaOwner } from '../support/node-media-owner.js';

export const T1 = 50;
export const LINE_TIMING: Partial<LineTiming> = {
  chimeWaitMs: 6000, slowDelayMs: 5600, ringBeforeAnswerMs: 300, ringForMs: 10_000,
  callbackDelayMs: 500, callbackRingMs: 10_000, maxCallMs: 60_000,
};

export interface TestLinePhone {
  readonly host: Host;
  readonly page: NodeMediaOwner;
  readonly stores: MemoryStores;
  readonly dataDir: string;
  /** The media-engine sessions of the page's calls, by host call id (real-audio pages only). */
  readonly sessions: Map<string, MediaSession>;
  /** The findings of a call in its account's model (its stream, recorded as the panel records it). */
  codes(call: CallView): string[];
  model(call: CallView): CallModel;
}

export function useTestLineHost() {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const phone = async (options: { media?: 'static' | 'webrtc'; play?: AudioSourceSpec; dataDir?: string } = {}): Promise<TestLinePhone> => {
    const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'callscope-host-testline-'));
    const recorders = new Map<string, LiveRecorder>();
    const stores = memoryStores();
    const diagnostics = {
      ...stores.diagnostics,
      attachAccount: (accountId: string, stream: Parameters<MemoryStores['diagnostics']['attachAccount']>[1]) => {
        const recorder = new LiveRecorder();
        recorders.set(accountId, recorder);
        return recorder.attach(stream);
      },
    };
    const host = createHost({
      mode: 'browser', dataDir, vault: createFileKeyVault({ dataDir }), stores: () => ({ ...stores, diagnostics }), log: () => undefined,
      mediaGraceMs: 300, accountRuntime: { t1: T1, retry: { baseMs: 200, maxMs: 1000 } },
      testLine: { start: 'when-no-account', tuning: { t1: T1, timing: LINE_TIMING } },
    });
    const engine = new MediaEngine();
    const sessions = new Map<string, MediaSession>();
    const page = new NodeMediaOwner(host, undefined, options.media === 'webrtc' ? {
      createHandler: (callId) => {
        const session = engine.createSession({ kind: 'webrtc', play: options.play ?? { kind: 'tone', frequencyHz: 1000, levelDbov: -12 } });
        sessions.set(callId, session);
        return session;
      },
    } : {});
    await page.claim();
    cleanups.push(async () => {
      page.close();
      await host.close();
      await engine.closeAll();
      if (options.dataDir === undefined) await rm(dataDir, { recursive: true, force: true });
    });
    const model = (call: CallView): CallModel => {
      const found = recorders.get(call.accountId)?.model().calls.find((c) => c.callId === call.sipCallId);
      if (!found) throw new Error(`no model of call ${call.sipCallId}`);
      return found;
    };
    return { host, page, stores, dataDir, sessions, model, codes: (call) => [...new Set(model(call).findings.map((f) => f.code))].sort() };
  };
  return { phone, cleanups };
}

export function accountState(p: TestLinePhone, id: string, state: AccountStatus['state'], timeoutMs = 15_000): Promise<AccountStatus> {
  return p.page.next((e) => e.type === 'account-status' && e.status.accountId === id && e.status.state === state, timeoutMs)
    .then((e) => (e as Extract<AppEvent, { type: 'account-status' }>).status);
}

export function callPhase(p: TestLinePhone, phase: CallView['phase'], match: (call: CallView) => boolean = () => true, timeoutMs = 20_000): Promise<CallView> {
  return p.page.next((e) => e.type === 'call-updated' && e.call.phase === phase && match(e.call), timeoutMs)
    .then((e) => (e as Extract<AppEvent, { type: 'call-updated' }>).call);
}

export async function invoke<T>(p: TestLinePhone, operation: string, payload?: unknown): Promise<T> {
  const result = await p.page.session.invoke(operation, payload);
  if (!result.ok) throw new Error(result.error.message);
  return result.value as T;
}
