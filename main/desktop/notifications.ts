// A native notification for an incoming call while the window is not in front: with
// Answer and Decline buttons where Electron's notifications have actions (macOS and
// Windows); on Linux a click shows the window. The notification goes when the call stops
// ringing. Electron's Notification is behind NotificationFacade, so the decisions are
// tested in Node.
import type { CallView } from '../contract/calls.js';

export interface NotificationSpec {
  readonly title: string;
  readonly body: string;
  /** Button labels, in order; empty where the platform has no notification actions. */
  readonly actions: readonly string[];
}

export interface NotificationHandlers {
  /** A button was pressed (its index in `actions`). */
  onAction(index: number): void;
  /** The notification itself was clicked. */
  onClick(): void;
}

export interface ShownNotification {
  close(): void;
}

export interface NotificationFacade {
  /** Whether the desktop can show notifications at all. */
  supported(): boolean;
  show(spec: NotificationSpec, handlers: NotificationHandlers): ShownNotification;
}

export const ANSWER = 'Answer';
export const DECLINE = 'Decline';
/** What Decline answers with: 603 Decline (RFC 3261 §21.6.2), not 486 Busy Here. */
export const DECLINE_STATUS = 603;

/** Electron's notifications have action buttons on macOS and Windows only. */
export function notificationActionsSupported(platform: string): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/** An incoming call that is ringing here and was not answered by itself. */
export function isRingingIncoming(call: CallView): boolean {
  return call.direction === 'incoming' && (call.phase === 'ringing' || call.phase === 'early-media') && call.autoAnswered !== true;
}

/** Notify only when the window would not show the call to the user: hidden, minimised or behind another. */
export function shouldNotifyIncoming(call: CallView, windowInFront: boolean): boolean {
  return isRingingIncoming(call) && !windowInFront;
}

/** The caller's words are the far end's (a From display name): one short line, nothing invisible. */
function callerText(text: string): string {
  const flat = text.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
}

export function incomingCallNotice(call: CallView, accountLabel: string | undefined, withActions: boolean): NotificationSpec {
  const caller = callerText(call.peer.display) || callerText(call.peer.uri) || 'Unknown caller';
  const address = callerText(call.peer.uri);
  const lines = [address !== '' && address !== caller ? `${caller} (${address})` : caller];
  const account = accountLabel === undefined ? '' : callerText(accountLabel);
  if (account !== '') lines.push(`On ${account}`);
  if (!withActions) lines.push('Click to show Callscope and answer.');
  return { title: 'Incoming call', body: lines.join('\n'), actions: withActions ? [ANSWER, DECLINE] : [] };
}

export interface IncomingCallNotifierOptions {
  readonly facade: NotificationFacade;
  readonly platform: string;
  readonly windowInFront: () => boolean;
  readonly showWindow: () => void;
  readonly answer: (callId: string) => void;
  readonly decline: (callId: string, status: number) => void;
  readonly accountLabel: (accountId: string) => string | undefined;
}

export class IncomingCallNotifier {
  /** Shown notifications by call id; kept referenced so their handlers stay alive. */
  readonly #shown = new Map<string, ShownNotification>();
  /** Calls already notified once (a ringing call updates many times). */
  readonly #notified = new Set<string>();

  constructor(private readonly options: IncomingCallNotifierOptions) {}

  /** Every `call-updated` event. */
  callUpdated(call: CallView): void {
    if (!isRingingIncoming(call)) {
      this.#dismiss(call.id);
      if (call.phase === 'ended') this.#notified.delete(call.id);
      return;
    }
    if (this.#notified.has(call.id) || !shouldNotifyIncoming(call, this.options.windowInFront())) return;
    if (!this.options.facade.supported()) return;
    this.#notified.add(call.id);
    const withActions = notificationActionsSupported(this.options.platform);
    const spec = incomingCallNotice(call, this.options.accountLabel(call.accountId), withActions);
    const shown = this.options.facade.show(spec, {
      onAction: (index) => {
        this.#dismiss(call.id);
        if (spec.actions[index] === ANSWER) {
          this.options.showWindow();
          this.options.answer(call.id);
        } else if (spec.actions[index] === DECLINE) {
          this.options.decline(call.id, DECLINE_STATUS);
        }
      },
      onClick: () => {
        this.#dismiss(call.id);
        this.options.showWindow();
      },
    });
    this.#shown.set(call.id, shown);
  }

  /** How many notifications are up (for tests and shutdown). */
  get showing(): number {
    return this.#shown.size;
  }

  closeAll(): void {
    for (const id of [...this.#shown.keys()]) this.#dismiss(id);
  }

  #dismiss(callId: string): void {
    const shown = this.#shown.get(callId);
    if (shown === undefined) return;
    this.#shown.delete(callId);
    shown.close();
  }
}
