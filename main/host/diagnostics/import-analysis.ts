// One trace being imported, read as its chunks arrive: the streaming analysis the CLI's
// `analyze` uses (TraceAnalysis), so the host never holds the whole file or a model of every
// message at once, and a chunk's work is a chunk's worth (calls going on meanwhile keep
// their timers). Each finished call is kept as a model of its own — its messages numbered
// 0..n-1, without their parsed form — which is what the panel opens and exports.
import { callAt, messageAt } from '../../../src/diagnostics/model-merge.js';
import type { CallModel, TraceMessage, TraceModel } from '../../../src/diagnostics/model-types.js';
import { TraceAnalysis, type AssembledCall } from '../../../src/diagnostics/stream/trace-analysis.js';
import { formatCount } from './limits.js';
import { StoreError } from './types.js';

/** A finished call of the trace, as a model of its own. */
export interface ImportedCall {
  readonly callId: string;
  /** Its first message's place in the whole trace (the list keeps trace order). */
  readonly first: number;
  readonly call: CallModel;
  readonly messages: readonly TraceMessage[];
  /** Bytes of its raw messages. */
  readonly bytes: number;
}

export interface ImportAnalysisLimits {
  /** Messages of calls still open (no final response or BYE yet) the analysis may hold at once. */
  readonly openMessages: number;
}

/** RFC 3261 T1 for the imported timing judgements (Callscope's default, as `analyze` without --t1). */
const IMPORT_T1 = 500;

/** A string of its own (V8 may keep a substring as a view of the string it was cut from). */
function flatCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}

/** The call with its own messages numbered from 0 (an AssembledCall carries trace-wide indices). */
export function ownModelOf({ call, messages }: AssembledCall): { call: CallModel; messages: TraceMessage[] } {
  const local = new Map<number, number>();
  messages.forEach((m, k) => local.set(m.index, k));
  const own = callAt(call, (index) => {
    const k = local.get(index);
    if (k === undefined) throw new Error(`call ${call.callId} refers to message ${index}, which is not one of its own`);
    return k;
  });
  // Rows, text and exports read the raw bytes; the parsed messages are big and not needed.
  // The strings kept are copies, so no slice of a parsed message's text keeps that text alive.
  return {
    call: own,
    messages: messages.map(({ sip: _sip, ...rest }, k) => messageAt({
      ...rest, startLine: flatCopy(rest.startLine), ...(rest.callId === undefined ? {} : { callId: call.callId }),
    }, k)),
  };
}

export class ImportAnalysis {
  private readonly analysis: TraceAnalysis;
  private readonly finished: ImportedCall[] = [];

  constructor(private readonly fileName: string, private readonly limits: ImportAnalysisLimits) {
    this.analysis = new TraceAnalysis({
      findings: { t1: IMPORT_T1 },
      onCall: (assembled) => {
        const own = ownModelOf(assembled);
        let bytes = 0;
        for (const m of own.messages) bytes += m.raw.byteLength;
        this.finished.push({ callId: own.call.callId, first: assembled.messages[0]?.index ?? 0, ...own, bytes });
      },
    });
  }

  /** Reads one more chunk. Throws a StoreError when the file cannot be read, or holds too much open at once. */
  push(chunk: Uint8Array): void {
    this.guarded(() => this.analysis.push(chunk));
    const held = this.analysis.held;
    if (held.messages > this.limits.openMessages) {
      throw new StoreError('too-large', `${this.fileName} holds too many calls open at once (${formatCount(held.calls)} calls, ${formatCount(held.messages)} messages without an end after ${formatCount(this.analysis.messages)} messages); cut the capture (editcap -c) or read it with \`callscope analyze\`, which can pick one call with --call`);
    }
  }

  /** The file ended: every call still open is finished. Calls in the order of their first message. */
  end(): { calls: ImportedCall[]; model: Pick<TraceModel, 'notes' | 't1'> } {
    this.guarded(() => this.analysis.end());
    const calls = [...this.finished].sort((a, b) => a.first - b.first);
    return { calls, model: { notes: this.analysis.notes(), t1: IMPORT_T1 } };
  }

  private guarded(read: () => void): void {
    try {
      read();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      // A bug, not the file's fault: said as such, and the host goes on.
      throw new StoreError('internal', `${this.fileName}: internal error while reading the trace: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (this.analysis.error !== undefined) throw new StoreError('invalid', `${this.fileName}: ${this.analysis.error}`);
  }
}
