// Keyboard control: which key does what while the focus is not in a text field. Pure, so
// the map is tested and shown in the UI from the same table.

export type ShortcutAction =
  | { readonly kind: 'answer' } | { readonly kind: 'decline' } | { readonly kind: 'hangup' }
  | { readonly kind: 'mute' } | { readonly kind: 'hold' } | { readonly kind: 'focus-dial' }
  | { readonly kind: 'digit'; readonly digit: string };

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** The focus is in a text field (typing there wins). */
  readonly inTextField: boolean;
}

export const SHORTCUTS: readonly { readonly keys: string; readonly does: string }[] = [
  { keys: 'A', does: 'Answer the ringing call' },
  { keys: 'D', does: 'Decline the ringing call' },
  { keys: 'E', does: 'End (hang up) the current call' },
  { keys: 'M', does: 'Mute or unmute' },
  { keys: 'H', does: 'Hold or resume' },
  { keys: '0-9 * #', does: 'Send a tone in a call' },
  { keys: '/', does: 'Go to the dial field' },
  { keys: 'Enter', does: 'Dial (in the dial field)' },
];

export function shortcutFor(event: KeyLike): ShortcutAction | undefined {
  if (event.inTextField || event.ctrlKey || event.metaKey || event.altKey) return undefined;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (/^[0-9*#]$/.test(key)) return { kind: 'digit', digit: key };
  switch (key) {
    case 'a':
      return { kind: 'answer' };
    case 'd':
      return { kind: 'decline' };
    case 'e':
      return { kind: 'hangup' };
    case 'm':
      return { kind: 'mute' };
    case 'h':
      return { kind: 'hold' };
    case '/':
      return { kind: 'focus-dial' };
    default:
      return undefined;
  }
}
