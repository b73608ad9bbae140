// Incoming-call notifications: when to show one, what it says, what its buttons do.
import { describe, expect, it } from 'vitest';
import type { CallView } from '../../../../main/contract/calls.js';
import {
  DECLINE_STATUS, IncomingCallNotifier, incomingCallNotice, notificationActionsSupported, shouldNotifyIncoming,
} from '../../../../main/desktop/notifications.js';
import type { NotificationHandlers, NotificationSpec } from '../../../../main/desktop/notifications.js';

function call(extra: Partial<CallView> = {}): CallView {
  return {
    id: 'c1', accountId: 'work', direction: 'incoming', peer: { display: 'Alice', uri: 'sip:alice@example.com' },
    phase: 'ringing', hold: { local: false, remote: false }, earlyMedia: false, ringback: false, startedAt: 0,
    timings: {}, sipCallId: 'x', dtmf: 'rfc4733', ...extra,
  };
}

function notifier(platform: string, options: { inFront?: boolean; supported?: boolean } = {}) {
  const shown: { spec: NotificationSpec; handlers: NotificationHandlers; closed: boolean }[] = [];
  const done: string[] = [];
  const instance = new IncomingCallNotifier({
    platform,
    facade: {
      supported: () => options.supported ?? true,
      show: (spec, handlers) => {
        const entry = { spec, handlers, closed: false };
        shown.push(entry);
        return { close: () => void (entry.closed = true) };
      },
    },
    windowInFront: () => options.inFront ?? false,
    showWindow: () => done.push('show'),
    answer: (id) => done.push(`answer ${id}`),
    decline: (id, status) => done.push(`decline ${id} ${status}`),
    accountLabel: (id) => (id === 'work' ? 'Work' : undefined),
  });
  return { instance, shown, done };
}

describe('when to notify', () => {
  it.each([
    ['a ringing incoming call, window not in front', call(), false, true],
    ['early media counts as ringing', call({ phase: 'early-media' }), false, true],
    ['the window is in front: the app shows it', call(), true, false],
    ['an outgoing call', call({ direction: 'outgoing' }), false, false],
    ['an answered call', call({ phase: 'answered' }), false, false],
    ['an auto-answered call', call({ autoAnswered: true }), false, false],
    ['an ended call', call({ phase: 'ended' }), false, false],
  ])('%s', (_name, view, inFront, expected) => {
    expect(shouldNotifyIncoming(view, inFront)).toBe(expected);
  });

  it('has action buttons on macOS and Windows only', () => {
    expect(notificationActionsSupported('darwin')).toBe(true);
    expect(notificationActionsSupported('win32')).toBe(true);
    expect(notificationActionsSupported('linux')).toBe(false);
  });
});

describe('what it says', () => {
  it('names the caller, the address and the account, with buttons', () => {
    expect(incomingCallNotice(call(), 'Work', true)).toEqual({
      title: 'Incoming call', body: 'Alice (sip:alice@example.com)\nOn Work', actions: ['Answer', 'Decline'],
    });
  });

  it('tells Linux users to click', () => {
    expect(incomingCallNotice(call({ peer: { display: 'sip:bob@x', uri: 'sip:bob@x' } }), undefined, false)).toEqual({
      title: 'Incoming call', body: 'sip:bob@x\nClick to show Callscope and answer.', actions: [],
    });
  });

  it('keeps a hostile display name to one plain short line', () => {
    const notice = incomingCallNotice(call({ peer: { display: `Bank\r\nfake line\u202Edlrow${'!'.repeat(200)}`, uri: 'sip:x@y' } }), 'Work', true);
    const [first] = notice.body.split('\n');
    expect(first).not.toMatch(/[\p{Cc}\p{Cf}]/u);
    expect(first?.startsWith('Bank fake line dlrow')).toBe(true);
    expect(notice.body.split('\n')).toHaveLength(2);
  });

  it('falls back to the address, then to words', () => {
    expect(incomingCallNotice(call({ peer: { display: '', uri: 'sip:carol@x' } }), undefined, true).body).toBe('sip:carol@x');
    expect(incomingCallNotice(call({ peer: { display: '\u0000', uri: '' } }), undefined, true).body).toBe('Unknown caller');
  });
});

describe('IncomingCallNotifier', () => {
  it('shows one notification per ringing call and closes it when the call stops ringing', () => {
    const { instance, shown } = notifier('darwin');
    instance.callUpdated(call());
    instance.callUpdated(call({ earlyMedia: true, phase: 'early-media' }));
    expect(shown).toHaveLength(1);
    expect(instance.showing).toBe(1);
    instance.callUpdated(call({ phase: 'answered' }));
    expect(shown[0]?.closed).toBe(true);
    expect(instance.showing).toBe(0);
  });

  it('answers from the Answer button, and shows the window for the call', () => {
    const { instance, shown, done } = notifier('win32');
    instance.callUpdated(call());
    shown[0]?.handlers.onAction(0);
    expect(done).toEqual(['show', 'answer c1']);
    expect(shown[0]?.closed).toBe(true);
  });

  it('declines with 603 from the Decline button', () => {
    const { instance, shown, done } = notifier('darwin');
    instance.callUpdated(call());
    shown[0]?.handlers.onAction(1);
    expect(done).toEqual([`decline c1 ${DECLINE_STATUS}`]);
    expect(DECLINE_STATUS).toBe(603);
  });

  it('shows the window on a click (Linux, where there are no buttons)', () => {
    const { instance, shown, done } = notifier('linux');
    instance.callUpdated(call());
    expect(shown[0]?.spec.actions).toEqual([]);
    shown[0]?.handlers.onClick();
    expect(done).toEqual(['show']);
    shown[0]?.handlers.onAction(5);
    expect(done).toEqual(['show']);
  });

  it('stays quiet when the window is in front, or the desktop has no notifications', () => {
    const inFront = notifier('darwin', { inFront: true });
    inFront.instance.callUpdated(call());
    expect(inFront.shown).toHaveLength(0);
    const unsupported = notifier('linux', { supported: false });
    unsupported.instance.callUpdated(call());
    expect(unsupported.shown).toHaveLength(0);
  });

  it('notifies again for a new call with the same id only after the first ended, and closes all on shutdown', () => {
    const { instance, shown } = notifier('darwin');
    instance.callUpdated(call());
    instance.callUpdated(call({ id: 'c2' }));
    expect(instance.showing).toBe(2);
    instance.closeAll();
    expect(shown.every((entry) => entry.closed)).toBe(true);
    instance.callUpdated(call({ phase: 'ended' }));
    instance.callUpdated(call());
    expect(shown).toHaveLength(3);
  });
});
