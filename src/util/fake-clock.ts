import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  readonly due: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

function earlier(a: PendingTimer, b: PendingTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}

/**
 * A clock that moves only when told to. Timers due at the same instant fire
 * in the order they were set; a timer set by a callback for a time already
 * reached fires within the same `advance`. Pending timers live in a binary
 * heap; cancelled ones are dropped when they reach its top, so a test (or a
 * benchmark) with a hundred thousand timers stays fast.
 */
export class FakeClock implements Clock {
  private time = 0;
  private order = 0;
  private readonly heap: PendingTimer[] = [];
  private live = 0;

  now(): number {
    return this.time;
  }

  setTimer(ms: number, callback: () => void): TimerHandle {
    if (!(ms >= 0)) throw new RangeError(`timer duration must be >= 0, got ${ms}`);
    const timer: PendingTimer = { due: this.time + ms, order: this.order++, callback, cancelled: false };
    this.push(timer);
    this.live++;
    return {
      cancel: () => {
        if (timer.cancelled) return;
        timer.cancelled = true;
        this.live--;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in time order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (let next = this.peek(); next && next.due <= target; next = this.peek()) {
      this.pop();
      next.cancelled = true;
      this.live--;
      this.time = next.due;
      next.callback();
    }
    this.time = target;
  }

  /** Moves time to the next pending timer and fires it (and any due with it); returns the new time. */
  advanceToNextTimer(): number | undefined {
    const next = this.peek();
    if (!next) return undefined;
    this.advance(next.due - this.time);
    return this.time;
  }

  /** How many timers are still pending. */
  get pendingTimers(): number {
    return this.live;
  }

  /** The earliest live timer, discarding cancelled ones from the top. */
  private peek(): PendingTimer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
    return this.heap[0];
  }

  private push(timer: PendingTimer): void {
    const heap = this.heap;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!earlier(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) break;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
