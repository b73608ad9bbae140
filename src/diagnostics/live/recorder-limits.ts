// How much the live recorder may hold. A live recorder runs as long as its user
// agent: a desk phone for days, `callscope listen` under a flood. Everything it
// keeps is bounded by these limits; what it had to let go is counted and said
// in the model's notes, never silently lost.

export interface LiveRecorderLimits {
  /** Messages kept per call; later ones are counted, not kept. */
  readonly messagesPerCall: number;
  /** Bytes (of messages on the wire) kept per call. */
  readonly bytesPerCall: number;
  /** Bytes kept in all, live and finished calls; beyond it the oldest calls are released. */
  readonly totalBytes: number;
  /** Calls held at once, live and finished; beyond it the oldest calls are released. */
  readonly calls: number;
  /** Finished calls still kept (for `model()`) after they were handed to `onCallFinished`. */
  readonly finishedCalls: number;
  /** Last samples kept of traffic that belongs to no call (malformed or stray messages). */
  readonly samples: number;
}

/** A desk phone (the app's host): a day of calls within a few tens of MB. */
export const DESK_PHONE_LIMITS: LiveRecorderLimits = Object.freeze({
  messagesPerCall: 500,
  bytesPerCall: 1024 * 1024,
  totalBytes: 32 * 1024 * 1024,
  calls: 2000,
  finishedCalls: 100,
  samples: 5,
});

/** `callscope listen` and load runs: many calls, each handed over (to the report) as it finishes. */
export const LISTEN_LIMITS: LiveRecorderLimits = Object.freeze({
  messagesPerCall: 200,
  bytesPerCall: 256 * 1024,
  totalBytes: 64 * 1024 * 1024,
  calls: 50_000,
  finishedCalls: 16,
  samples: 5,
});

/** What a message costs the recorder beyond its bytes (its record, endpoints, bookkeeping). */
export const MESSAGE_OVERHEAD_BYTES = 200;

/** What a call's folded media costs the recorder (last counters per direction, ICE/DTLS history). */
export const MEDIA_TRACK_BYTES = 2048;

export function resolveLimits(limits: Partial<LiveRecorderLimits> | undefined): LiveRecorderLimits {
  const resolved = { ...DESK_PHONE_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`LiveRecorder limit ${name} must be a whole number >= 0, got ${String(value)}`);
  }
  return resolved;
}
