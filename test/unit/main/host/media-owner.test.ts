// The media owner channel: requests go to the owner only, with correlation ids; answers
// from anyone else, late answers and unknown ids are refused; a timeout, no owner, an
// owner gone, and a page error each fail with their own sentence; a page that reconnects
// with the same page id gets the pending requests again and keeps the calls.
import { describe, expect, it } from 'vitest';
import type { MediaOwnerState, MediaRequest } from '../../../../main/contract/media.js';
import { MediaOwner, MediaOwnerError, type OwnerSession } from '../../../../main/host/media/media-owner.js';

class ManualTimers {
  private readonly timers: Array<{ at: number; callback: () => void; cancelled: boolean }> = [];
  now = 0;
  setTimer = (ms: number, callback: () => void) => {
    const timer = { at: this.now + ms, callback, cancelled: false };
    this.timers.push(timer);
    return { cancel: () => { timer.cancelled = true; } };
  };
  advance(ms: number): void {
    this.now += ms;
    for (const timer of [...this.timers]) {
      if (!timer.cancelled && timer.at <= this.now) {
        timer.cancelled = true;
        timer.callback();
      }
    }
  }
}

function page(id: number) {
  const sent: Array<{ requestId: number; request: MediaRequest }> = [];
  const states: MediaOwnerState[] = [];
  const session: OwnerSession = {
    id,
    send: (event) => sent.push({ requestId: event.requestId, request: event.request }),
    sendOwnerState: (state) => states.push(state),
  };
  return { session, sent, states };
}

const offer: MediaRequest = { kind: 'create-offer', callId: 'c-1', iceServers: [] };

function setup(callsActive = false) {
  const timers = new ManualTimers();
  const gone: string[] = [];
  const owner = new MediaOwner({ graceMs: 3000, callsActive: () => callsActive, onOwnerGone: (why) => gone.push(why), setTimer: timers.setTimer });
  return { owner, timers, gone };
}

describe('media owner', () => {
  it('asks the owner only and resolves with its answer', async () => {
    const { owner } = setup();
    const a = page(1);
    const b = page(2);
    expect(owner.claim(a.session, 'page-a-123', false)).toEqual({ owner: true, elsewhere: false });
    expect(owner.claim(b.session, 'page-b-123', false)).toMatchObject({ owner: false, elsewhere: true, reason: expect.stringMatching(/Another window/) });
    const reply = owner.request(offer);
    expect(a.sent).toHaveLength(1);
    expect(b.sent).toHaveLength(0);
    expect(owner.answer(b.session, a.sent[0]!.requestId, { ok: true, sdp: 'v=0' })).toBe(false);
    expect(owner.answer(a.session, 999, { ok: true, sdp: 'v=0' })).toBe(false);
    expect(owner.answer(a.session, a.sent[0]!.requestId, { ok: true, sdp: 'v=0' })).toBe(true);
    await expect(reply).resolves.toEqual({ ok: true, sdp: 'v=0' });
    expect(owner.answer(a.session, a.sent[0]!.requestId, { ok: true, sdp: 'v=0' })).toBe(false);
  });

  it('fails plainly with no owner, on a timeout, and with the page\'s own error', async () => {
    const { owner, timers } = setup();
    await expect(owner.request(offer)).rejects.toMatchObject({ kind: 'no-owner', message: expect.stringMatching(/no phone window/) });
    const a = page(1);
    owner.claim(a.session, 'page-a-123', false);
    const slow = owner.request(offer);
    timers.advance(20_000);
    await expect(slow).rejects.toMatchObject({ kind: 'timeout', message: expect.stringMatching(/did not answer create-offer within 20 s/) });
    const refused = owner.request({ kind: 'create-answer', callId: 'c-2', offer: 'v=0', iceServers: [] });
    owner.answer(a.session, a.sent[1]!.requestId, { ok: false, error: 'getUserMedia: permission denied' });
    await expect(refused).rejects.toBeInstanceOf(MediaOwnerError);
    await expect(refused).rejects.toMatchObject({ kind: 'page-error', message: 'getUserMedia: permission denied' });
  });

  it('a page that reconnects within the grace period keeps the media and gets the pending requests again', async () => {
    const { owner, timers, gone } = setup(true);
    const first = page(1);
    owner.claim(first.session, 'page-a-123', false);
    const pending = owner.request(offer);
    owner.sessionClosed(first.session);
    timers.advance(1000);
    const again = page(2);
    expect(owner.claim(again.session, 'page-a-123', false).owner).toBe(true);
    expect(again.sent.map((s) => s.request)).toEqual([offer]);
    owner.answer(again.session, again.sent[0]!.requestId, { ok: true, sdp: 'v=0' });
    await expect(pending).resolves.toEqual({ ok: true, sdp: 'v=0' });
    timers.advance(10_000);
    expect(gone).toEqual([]);
  });

  it('an owner that does not come back: its requests fail and the host is told to end the calls', async () => {
    const { owner, timers, gone } = setup(true);
    const a = page(1);
    owner.claim(a.session, 'page-a-123', false);
    const pending = owner.request(offer);
    owner.sessionClosed(a.session);
    const other = page(2);
    expect(owner.claim(other.session, 'page-b-123', true)).toMatchObject({ owner: false, reason: expect.stringMatching(/has calls up/) });
    timers.advance(3000);
    await expect(pending).rejects.toMatchObject({ kind: 'owner-gone', message: 'the phone window closed' });
    expect(gone).toEqual(['the phone window closed']);
    expect(owner.hasOwner).toBe(false);
  });

  it('another page may take over with force when no call is up, and the old owner is told', () => {
    const { owner } = setup(false);
    const a = page(1);
    const b = page(2);
    owner.claim(a.session, 'page-a-123', false);
    expect(owner.claim(b.session, 'page-b-123', true)).toEqual({ owner: true, elsewhere: false });
    expect(a.states.at(-1)).toEqual({ owner: false, elsewhere: true });
  });
});
