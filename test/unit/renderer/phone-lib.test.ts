// The phone's pure helpers: registration words, dial input, shortcuts, account validation
// as you type, and live quality (loss per interval, one-way audio, silence).
import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '../../../main/contract/accounts.js';
import type { MediaSummary } from '../../../main/contract/media.js';
import { accountStatusText } from '../../../renderer/lib/account-status-text.js';
import { EMPTY_ACCOUNT_DRAFT, validateAccountDraft } from '../../../renderer/lib/account-validation.js';
import { cleanDialInput, rememberTarget } from '../../../renderer/lib/dial-text.js';
import { nextQuality, sparkline, WARN_AFTER, type QualityState } from '../../../renderer/lib/quality.js';
import { shortcutFor } from '../../../renderer/lib/shortcuts.js';

const base: AccountStatus = { accountId: 'a', state: 'registered', aor: 'sip:alice@example.com', insecureTls: false };

describe('registration words', () => {
  it('says registered, failed with the step and reason, retrying with a countdown', () => {
    expect(accountStatusText(base, 0)).toMatchObject({ label: 'Registered', tone: 'ok', canRetry: false });
    const failure = { step: 'register', kind: 'auth', status: 403, reason: 'check the password' } as const;
    expect(accountStatusText({ ...base, state: 'failed', failure }, 0)).toEqual({ label: 'Failed', tone: 'bad', canRetry: true, detail: 'Registering failed: check the password' });
    expect(accountStatusText({ ...base, state: 'retrying', retryAt: 4_200, failure }, 1_000).label).toBe('Retrying in 4 s');
    expect(accountStatusText({ ...base, insecureTls: true }, 0).detail).toMatch(/not verified/);
  });
});

describe('dial input', () => {
  it('cleans pasted links and keeps recent targets unique, newest first', () => {
    expect(cleanDialInput('  <sip:bob@example.com>\n')).toBe('sip:bob@example.com');
    expect(cleanDialInput('callto://+15550100')).toBe('+15550100');
    expect(cleanDialInput('tel:+1-555-0100')).toBe('tel:+1-555-0100');
    const list = rememberTarget(rememberTarget([], 'a', 1), 'b', 2);
    expect(rememberTarget(list, 'a', 3).map((r) => r.target)).toEqual(['a', 'b']);
    expect(rememberTarget([], '  ', 1)).toEqual([]);
  });
});

describe('shortcuts', () => {
  const key = (k: string, inTextField = false) => shortcutFor({ key: k, ctrlKey: false, metaKey: false, altKey: false, inTextField });
  it('maps keys to actions, and leaves typing in a field alone', () => {
    expect(key('a')).toEqual({ kind: 'answer' });
    expect(key('E')).toEqual({ kind: 'hangup' });
    expect(key('5')).toEqual({ kind: 'digit', digit: '5' });
    expect(key('#')).toEqual({ kind: 'digit', digit: '#' });
    expect(key('m', true)).toBeUndefined();
    expect(shortcutFor({ key: 'a', ctrlKey: true, metaKey: false, altKey: false, inTextField: false })).toBeUndefined();
  });
});

describe('account validation as you type', () => {
  it('names the field and the rule, as the host would', () => {
    const errors = validateAccountDraft({ ...EMPTY_ACCOUNT_DRAFT, serverUrl: 'http://x', user: 'alice smith', iceServers: 'stun:ok.example\nhttp://bad' });
    expect(errors.serverUrl).toMatch(/wss:\/\//);
    expect(errors.user).toMatch(/SIP user characters/);
    expect(errors.iceServers).toMatch(/^each line must be a stun:/);
    expect(validateAccountDraft({ ...EMPTY_ACCOUNT_DRAFT, serverUrl: 'wss://sip.example.com', user: 'alice' })).toEqual({});
  });
});

function summary(at: number, inbound: number, outbound: number, lost = 0, energy = at / 1000): MediaSummary {
  return {
    callId: 'c', at, iceState: 'connected', muted: false, rttMs: 20,
    inbound: { packets: inbound, bytes: inbound * 160, lost, jitterMs: 2, audioLevel: 0.2, totalAudioEnergy: energy },
    outbound: { packets: outbound, bytes: outbound * 160, audioLevel: 0.1 },
  };
}

describe('live quality', () => {
  it('computes loss over the last interval and a MOS', () => {
    let q: QualityState | undefined = nextQuality(undefined, summary(0, 100, 100));
    q = nextQuality(q, summary(500, 123, 125, 2));
    expect(q.lossPct).toBe(8);
    expect(q.mos).toBeLessThan(4);
    q = nextQuality(q, summary(1000, 148, 150, 2));
    expect(q.lossPct).toBe(0);
    expect(q.points).toHaveLength(3);
  });

  it('warns of one-way audio and of inbound silence after a few intervals, not at once', () => {
    let q: QualityState | undefined;
    for (let i = 0; i <= WARN_AFTER; i += 1) q = nextQuality(q, summary(i * 500, 10, 10 + i * 25));
    expect(q?.warnings).toEqual(['no-inbound']);
    let s: QualityState | undefined;
    for (let i = 0; i <= WARN_AFTER; i += 1) s = nextQuality(s, summary(i * 500, i * 25, i * 25, 0, 0));
    expect(s?.warnings).toEqual(['inbound-silence']);
  });

  it('draws a sparkline newest at the right', () => {
    expect(sparkline([0, 1], 100, 10, 1, 2)).toBe('0.0,10.0 100.0,0.0');
  });
});
