// A small typed emitter for a call's lifecycle events (call/types.ts): what a
// view (the renderer, the CLI, a test) needs to follow one call without
// reading SIP. The SIP detail of the same call is on the diagnostics stream,
// grouped by its call tag.
import type { CallEventMap, CallEventName, CallListener } from './types.js';

/** A small typed emitter; a listener that throws does not stop the call. */
export class CallEvents {
  private readonly listeners = new Map<CallEventName, Set<(event: never) => void>>();

  on<E extends CallEventName>(name: E, listener: CallListener<E>): () => void {
    let set = this.listeners.get(name);
    if (!set) this.listeners.set(name, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  emit<E extends CallEventName>(name: E, event: CallEventMap[E]): void {
    for (const listener of this.listeners.get(name) ?? []) {
      try {
        (listener as CallListener<E>)(event);
      } catch {
        // A broken view must not break the call.
      }
    }
  }
}
