// Applying a live call's updates to the page's copy: appended rows, replaced transactions,
// out-of-order updates ignored, and an update applied twice to the same version (React's
// StrictMode runs state updaters twice) gives the same, correct result.
import { describe, expect, it } from 'vitest';
import { applyUpdate, fromSnapshot, messageAt, transactionById } from '../../../../renderer/diagnostics/model/call-data.js';
import { echoCall, msg, tx } from './fixtures.js';

const snapshot = echoCall();

function update(seq: number, patch: Partial<Parameters<typeof applyUpdate>[1]> = {}) {
  return { subscriptionId: 1, seq, messages: [], transactions: [], media: [], ...patch };
}

describe('call data', () => {
  it('indexes the snapshot', () => {
    const data = fromSnapshot(snapshot);
    expect(messageAt(data, 2)?.startLine).toBe('SIP/2.0 183 Session Progress');
    expect(transactionById(data, 'tx2')?.method).toBe('PRACK');
    expect(messageAt(data, 99)).toBeUndefined();
  });

  it('appends rows and replaces transactions by id', () => {
    const data = fromSnapshot(snapshot);
    const next = applyUpdate(data, update(1, {
      messages: [msg(7, 'BYE sip:echo@192.0.2.10 SIP/2.0', { transactionId: 'tx3' })],
      transactions: [tx('tx1', 'INVITE', { state: 'Terminated', finalStatus: 200 }), tx('tx3', 'BYE')],
    }));
    expect(next.messages).toHaveLength(8);
    expect(messageAt(next, 7)?.startLine).toMatch(/^BYE/);
    expect(transactionById(next, 'tx1')?.state).toBe('Terminated');
    expect(next.transactions.map((t) => t.id)).toEqual(['tx1', 'tx2', 'tx3']);
    // The old version is unchanged.
    expect(data.messages).toHaveLength(7);
    expect(transactionById(data, 'tx1')?.state).toBe('Accepted');
  });

  it('ignores an update it already has, and replaces findings only when sent', () => {
    const data = applyUpdate(fromSnapshot(snapshot), update(1, { findings: [] }));
    expect(applyUpdate(data, update(1, { messages: [msg(7, 'BYE x SIP/2.0')] }))).toBe(data);
    const finding = { code: 'missing-ack', severity: 'error', title: 't', messages: [5], rfc: 'RFC 3261 §13.3.1.4', explanation: 'e', nextSteps: [] } as const;
    const withFinding = applyUpdate(data, update(2, { findings: [finding] }));
    expect(withFinding.findings).toHaveLength(1);
    expect(applyUpdate(withFinding, update(3)).findings).toHaveLength(1);
  });

  it('gives the same result when one update is applied twice to the same version', () => {
    const data = fromSnapshot(snapshot);
    const u = update(1, { messages: [msg(7, 'BYE x SIP/2.0')], transactions: [tx('tx3', 'BYE')] });
    const first = applyUpdate(data, u);
    const second = applyUpdate(data, u);
    for (const version of [first, second]) {
      expect(version.messages.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(version.transactions.map((t) => t.id)).toEqual(['tx1', 'tx2', 'tx3']);
      expect(transactionById(version, 'tx3')?.method).toBe('BYE');
    }
    // And both go on correctly.
    const third = applyUpdate(second, update(2, { messages: [msg(8, 'SIP/2.0 200 OK')], transactions: [tx('tx4', 'INFO')] }));
    expect(third.messages.map((m) => m.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(third.transactions.map((t) => t.id)).toEqual(['tx1', 'tx2', 'tx3', 'tx4']);
    expect(messageAt(third, 8)?.startLine).toBe('SIP/2.0 200 OK');
  });

  it('appends media summaries', () => {
    const data = fromSnapshot(snapshot);
    const next = applyUpdate(data, update(1, { media: [{ callId: 'c1', at: 5, iceState: 'connected', muted: false, inbound: { packets: 1, bytes: 1 }, outbound: { packets: 1, bytes: 1 } }] }));
    expect(next.media).toHaveLength(1);
  });
});
