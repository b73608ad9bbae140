// Diagnostics keys as the panel receives them: `live:<id>`, `recent:<id>`, `import:<upload>:<Call-ID>`.
// A call card opens `live:<id>` (the host answers it while the call is up, and with the saved
// call once it is `recent:<id>`). History names `recent:<id>`, but an ended call is saved only
// when its transactions are done (an INVITE client transaction waits in Accepted for Timer M,
// 32 s): until then only `live:<id>` finds it, so the panel tries the other form when one is not found.

export type KeyKind = 'live' | 'recent' | 'import';

const KEY = /^(live|recent|import):([A-Za-z0-9_.:@-]{1,200})$/;

export interface ParsedKey {
  readonly kind: KeyKind;
  /** The host's call id (live and recent), or `<upload>:<Call-ID>` (import). */
  readonly id: string;
}

export function parseKey(key: string): ParsedKey | undefined {
  const m = KEY.exec(key);
  return m ? { kind: m[1] as KeyKind, id: m[2]! } : undefined;
}

/** The keys to try, in order: the one given, then the other form of a phone call's key. */
export function keysToTry(key: string): readonly string[] {
  const parsed = parseKey(key);
  if (!parsed) return [];
  if (parsed.kind === 'recent') return [key, `live:${parsed.id}`];
  if (parsed.kind === 'live') return [key, `recent:${parsed.id}`];
  return [key];
}

/** The host's call id behind a live or recent key (for its CallView), if any. */
export function hostCallIdOf(key: string): string | undefined {
  const parsed = parseKey(key);
  return parsed && parsed.kind !== 'import' ? parsed.id : undefined;
}
