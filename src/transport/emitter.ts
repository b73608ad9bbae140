// The listener registry every transport shares: `on(event, listener)` returns
// an unsubscribe function; a listener that throws does not stop the others
// (the error is rethrown asynchronously so it is not lost).
import type { TransportEvents } from './transport.js';

type ListenerSets = { [E in keyof TransportEvents]: Set<TransportEvents[E]> };

export class TransportEmitter {
  private readonly listeners: ListenerSets = { message: new Set(), state: new Set(), malformed: new Set() };

  on<E extends keyof TransportEvents>(event: E, listener: TransportEvents[E]): () => void {
    const set = this.listeners[event] as Set<TransportEvents[E]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof TransportEvents>(event: E, ...args: Parameters<TransportEvents[E]>): void {
    for (const listener of [...(this.listeners[event] as Set<(...a: Parameters<TransportEvents[E]>) => void>)]) {
      try {
        listener(...args);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
