// A live recorder that does not slow the start of a call: it records the
// stream from the first event, but loads the recorder (and with it the model
// builder and every finding detector) only when asked — after the INVITE has
// left. Until then the events wait in a list, and are replayed in order.
import type { LiveRecorder, LiveRecorderOptions } from '../diagnostics/live-recorder.js';
import type { DiagnosticsEvent, DiagnosticsStream } from '../trace/events.js';

export class DeferredRecorder {
  private waiting: DiagnosticsEvent[] | undefined = [];
  private recorder: LiveRecorder | undefined;
  private loading: Promise<LiveRecorder> | undefined;

  constructor(stream: DiagnosticsStream, private readonly options: LiveRecorderOptions = {}) {
    stream.subscribe((event) => {
      if (this.waiting) this.waiting.push(event);
      else this.recorder!.record(event);
    });
  }

  /** Loads the recorder and hands it what the stream said so far; from then on it records directly. */
  load(): Promise<LiveRecorder> {
    this.loading ??= import('../diagnostics/live-recorder.js').then(({ LiveRecorder }) => {
      const recorder = new LiveRecorder(this.options);
      for (const event of this.waiting ?? []) recorder.record(event);
      this.waiting = undefined;
      this.recorder = recorder;
      return recorder;
    });
    return this.loading;
  }
}
