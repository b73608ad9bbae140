// Glare for real: two Callscope UAs in a call through Kamailio put each other
// on hold at the same moment. Their re-INVITEs cross, both get 491 (RFC 3261
// §14.1), each backs off (the Call-ID's owner 2.1-4 s, the other 0-2 s) and
// retries. `glare` is named in both UAs' live models, and again from the
// lab's tshark capture of the same call and by `callscope analyze`.
import { describe, expect, it } from 'vitest';
import { LiveRecorder } from '../../src/diagnostics/live-recorder.js';
import type { IncomingCall } from '../../src/ua/call/incoming-call.js';
import type { CallBase } from '../../src/ua/call/call-base.js';
import { udpUa } from './calls-lab-helpers.js';
import { analyzeCodes, capturedCall, codesOf, findingOf, liveAndCaptured } from './diagnostics-live-helpers.js';

function answered(call: CallBase): Promise<void> {
  return new Promise((resolve, reject) => {
    if (call.state === 'confirmed' || call.state === 'answered') resolve();
    call.on('answered', () => resolve());
    call.on('confirmed', () => resolve());
    call.on('ended', (e) => reject(new Error(`the call ended first: ${e.cause} ${e.reason}`)));
  });
}

describe('glare between two Callscope UAs (live and from the capture)', () => {
  it('crossing re-INVITEs: 491 both ways, the §14.1 back-off, both holds succeed; glare named live on both sides and from the capture', async () => {
    const run = await liveAndCaptured('live-glare-callscope', async (lab) => {
      const a = await udpUa(lab, { user: 'alice' });
      const b = await udpUa(lab);
      const recorders = [new LiveRecorder(), new LiveRecorder()];
      recorders[0]!.attach(a.endpoint.diagnostics);
      recorders[1]!.attach(b.endpoint.diagnostics);
      try {
        let incoming: IncomingCall | undefined;
        b.agent.onIncomingCall((call) => {
          incoming = call;
          void call.answer();
        });
        const outgoing = a.agent.call(lab.farEndUri(b.port));
        await answered(outgoing);
        await new Promise((resolve) => setTimeout(resolve, 200));
        await answered(incoming!);
        // Both hold at once: the re-INVITEs cross in the proxy.
        const [heldByA, heldByB] = await Promise.all([outgoing.hold(), incoming!.hold()]);
        expect(heldByA).toMatchObject({ ok: true, status: 200 });
        expect(heldByB).toMatchObject({ ok: true, status: 200 });
        expect(a.responses(491)).toHaveLength(1);
        expect(b.responses(491)).toHaveLength(1);
        outgoing.hangup();
        await outgoing.ended;
        await new Promise((resolve) => setTimeout(resolve, 300));
        return { callId: outgoing.callId, models: recorders.map((r) => r.model()) };
      } finally {
        await a.close();
        await b.close();
      }
    });
    try {
      // Live, on each side.
      for (const model of run.live.models) {
        const call = model.calls.find((c) => c.callId === run.live.callId)!;
        expect(codesOf(call)).toContain('glare');
        // Each side waited as §14.1 asks, so the finding says the back-off was respected.
        expect(findingOf(call, 'glare').severity).toBe('info');
      }
      // From the capture of the same call, and as `callscope analyze` reads it.
      const captured = capturedCall(run.capture, run.live.callId);
      expect(codesOf(captured)).toContain('glare');
      expect(await analyzeCodes(run.dir, run.live.callId)).toContain('glare');
    } finally {
      run.cleanup();
    }
  });
});
