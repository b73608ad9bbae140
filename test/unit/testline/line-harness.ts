// What the test line's unit tests share: a line on 127.0.0.1 with a small T1 and short
// waits, and phones (Callscope's own user agent over ws://) that register to it with its
// credentials, record their own diagnostics stream, and say which findings their model
// names for a call.
import { afterEach } from 'vitest';
import { LiveRecorder } from '../../../src/diagnostics/live-recorder.js';
import type { CallModel } from '../../../src/diagnostics/model-types.js';
import { MediaEngine } from '../../../src/media/media-engine.js';
import { TestLine, type TestLineOptions } from '../../../src/testline/test-line.js';
import type { LineTiming } from '../../../src/testline/numbers.js';
import { DiagnosticsStream } from '../../../src/trace/events.js';
import { UserAgent, type UserAgentOptions } from '../../../src/ua/user-agent.js';

export const T1 = 25;
export const FAST: Partial<LineTiming> = {
  chimeWaitMs: 3000, slowDelayMs: 600, ringBeforeAnswerMs: 100, ringForMs: 3000,
  callbackDelayMs: 200, callbackRingMs: 3000, maxCallMs: 30_000,
};

export interface Phone {
  readonly ua: UserAgent;
  readonly recorder: LiveRecorder;
  readonly engine: MediaEngine;
  /** The finding codes the phone's own model names for the call with this Call-ID. */
  codes(callId: string): string[];
  model(callId: string): CallModel;
}

export function useLine() {
  const cleanups: Array<() => Promise<unknown> | unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const start = async (options: TestLineOptions = {}): Promise<TestLine> => {
    const line = await TestLine.start({ t1: T1, timing: FAST, ...options });
    cleanups.push(() => line.close());
    return line;
  };
  const phone = async (line: TestLine, options: Partial<UserAgentOptions> = {}): Promise<Phone> => {
    const diagnostics = new DiagnosticsStream();
    const recorder = new LiveRecorder({ findings: { postDialDelayMs: 500 } });
    recorder.attach(diagnostics);
    const engine = new MediaEngine({ rtp: { address: '127.0.0.1' } });
    const started = await UserAgent.start({
      server: line.url, user: line.credentials.user, password: line.credentials.password, register: true, t1: T1, diagnostics,
      ...options,
    });
    if (!started.ok) throw new Error(started.error);
    const ua = started.value;
    cleanups.push(async () => {
      await ua.close();
      await engine.closeAll();
    });
    const model = (callId: string): CallModel => {
      const call = recorder.model().calls.find((c) => c.callId === callId);
      if (!call) throw new Error(`no call ${callId} in the phone's model`);
      return call;
    };
    return { ua, recorder, engine, model, codes: (callId) => [...new Set(model(callId).findings.map((f) => f.code))].sort() };
  };
  return { start, phone, cleanups };
}

/** The call's messages as the phone saw them: "→ INVITE", "← 200 OK"; `repeats: false` leaves retransmissions out. */
export function ladder(p: Phone, callId: string, options: { repeats?: boolean } = {}): string[] {
  const all = p.recorder.model().messages;
  return p.model(callId).messages.map((i) => all[i]!)
    .filter((m) => options.repeats !== false || !m.retransmission)
    .map((m) => `${m.direction === 'sent' ? '→' : '←'} ${m.startLine.startsWith('SIP/2.0 ') ? m.startLine.slice(8) : m.startLine.split(' ')[0]}`);
}
