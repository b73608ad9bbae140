// `callscope analyze FILE [--json FILE|-]`: the calls in a trace (pcap, pcapng,
// sngrep text, Kamailio sipdump, SIPp -trace_msg), each with its transactions,
// media and findings. Streaming: the file is read in chunks and each call is printed
// (and written as JSON) as soon as it is finished, so memory follows the calls
// open at once, not the size of the file.
import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { CliCommand, CliIo } from './command.js';
import { exitStatusHelp } from './command.js';
import { callRecord, orphanRecord, summaryRecord, traceRecord } from '../diagnostics/export/json-records.js';
import { PcapStreamWriter } from '../diagnostics/export/pcap-export.js';
import { textRecord } from '../diagnostics/export/text-export.js';
import { formatCallMessages, formatSummary } from '../diagnostics/report.js';
import { scanCallId } from '../diagnostics/call-id-scan.js';
import { TraceAnalysis } from '../diagnostics/stream/trace-analysis.js';

const USAGE = `Usage: callscope analyze [options] FILE|-

Read a SIP trace and print its calls: the messages of each call, its transactions
(RFC 3261 §17: key, role, states, retransmissions, final status), its dialogs, and
findings for the classic failures (missing ACK, missing PRACK, To-tagged 100 Trying,
INVITE with no provisional, unroutable Contact, ...) with the messages that show
them and what to check next; "no findings" for a clean call. In a capture, each
call's RTP streams (matched by the addresses its SDPs announced: packets, codec,
loss, jitter, gaps, silence), STUN/DTLS, and the media findings (one-way or silent
audio, early media without RTP, ICE or DTLS that failed, unreachable media address).

FILE is recognised by its content: pcap or pcapng (Ethernet, Linux cooked, loopback
or raw IP; SIP over UDP, TCP or unencrypted WebSocket), an sngrep text export, a
Kamailio sipdump text file or a SIPp -trace_msg log (see docs/trace-formats.md).

The file is read as a stream: a call is printed once it is finished (quiet for
longer than every RFC 3261 timer runs, 64·T1 + 5 s, with its media quiet too, or
longer still while an answered call waits for its BYE, or at the end of the file),
so memory follows the calls open at once, not the size of the file; media is
counted as it is read, per open call and stream. The summary (message and call
counts, notes: media that came after its call was finished) comes last.

Options:
  --json FILE|-         also write the model as JSON Lines to FILE ("-": stdout, instead of
                        the report): {"type":"trace","version":3,...}, then one
                        {"type":"call",...} per call with its messages inside (each message's
                        bytes once, as "raw" text or "rawBase64"), {"type":"message",...} for a
                        message of no call, and last {"type":"summary",...}
  --call CALL-ID        only this call
  --local ADDR[,ADDR]   these addresses (ip or ip:port) are "us": messages become sent/received
  --t1 MS               RFC 3261 T1 for timing judgements (default 500)
  --pdd MS              post-dial-delay threshold (default 5000)
  --export-pcap FILE    write the (selected) messages as a pcap file
  --export-text FILE    write the (selected) messages as text (sngrep's format)
  --no-ladder           leave out the message list of each call
  -h, --help            show this help

${exitStatusHelp('the file was read (findings or not)', 'an output could not be written',
  'a usage error, or a file that cannot be read (unknown format, too many calls open at once for memory)')}`;

interface AnalyzeArgs {
  file: string;
  json?: string;
  callId?: string;
  local?: string[];
  t1?: number;
  pdd?: number;
  exportPcap?: string;
  exportText?: string;
  ladder: boolean;
}

function parseArgs(args: readonly string[]): AnalyzeArgs | string {
  const out: AnalyzeArgs = { file: '', ladder: true };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    const number = (name: string): number | string => {
      const v = Number(value());
      return Number.isFinite(v) && v > 0 ? v : `${name} needs a positive number of milliseconds`;
    };
    switch (a) {
      case '--json': case '--call': case '--local': case '--export-pcap': case '--export-text': {
        const v = value();
        if (v === undefined || (v.startsWith('-') && v !== '-')) return `${a} needs a value`;
        if (a === '--json') out.json = v;
        else if (a === '--call') out.callId = v;
        else if (a === '--local') out.local = v.split(',').map((x) => x.trim()).filter(Boolean);
        else if (a === '--export-pcap') out.exportPcap = v;
        else out.exportText = v;
        break;
      }
      case '--t1': case '--pdd': {
        const v = number(a);
        if (typeof v === 'string') return v;
        if (a === '--t1') out.t1 = v;
        else out.pdd = v;
        break;
      }
      case '--no-ladder': out.ladder = false; break;
      default:
        if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
        if (out.file) return 'give exactly one FILE (or - for stdin)';
        out.file = a;
    }
  }
  if (!out.file) return 'missing FILE (or - for stdin)';
  return out;
}

/** What an output gathers before it writes (a write per call would cost a system call each). */
const OUTPUT_BUFFER = 256 * 1024;

/** An output written as it goes, in pieces of OUTPUT_BUFFER: a file (synchronously) or stdout. */
class Output {
  private pending: Array<string | Uint8Array> = [];
  private pendingBytes = 0;

  private constructor(private readonly write: (data: string | Uint8Array) => void, private readonly fd: number | undefined) {}

  static stdout(io: CliIo): Output {
    return new Output((d) => io.stdout(typeof d === 'string' ? d : Buffer.from(d).toString('latin1')), undefined);
  }

  static open(io: CliIo, target: string): Output | string {
    if (target === '-') return Output.stdout(io);
    try {
      const fd = openSync(target, 'w');
      return new Output((d) => {
        const bytes = typeof d === 'string' ? Buffer.from(d, 'utf8') : d;
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
      }, fd);
    } catch (error) {
      return `cannot write ${target}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }

  put(data: string | Uint8Array): void {
    this.pending.push(data);
    this.pendingBytes += data.length;
    if (this.pendingBytes >= OUTPUT_BUFFER) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const all = this.pending.every((d) => typeof d === 'string') ? (this.pending as string[]).join('')
      : Buffer.concat(this.pending.map((d) => (typeof d === 'string' ? Buffer.from(d, 'utf8') : d)));
    this.pending = [];
    this.pendingBytes = 0;
    this.write(all);
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

/** Thrown from inside the stream when the calls held no longer fit in memory. */
class TooLarge extends Error {}

/** Share of V8's heap limit the open calls may take before analysis stops (exit 2). */
const HEAP_SHARE = 0.8;
const CHUNK_BYTES = 4 * 1024 * 1024;

async function* chunks(io: CliIo, file: string): AsyncGenerator<Uint8Array> {
  if (file === '-') {
    yield await io.readStdin();
    return;
  }
  // Plain views: what is cut out of them is a Uint8Array, cheaper to make than a Buffer.
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
    const buffer = chunk as Buffer;
    yield new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
  }
}

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.stderr(`callscope analyze: ${parsed}\n`);
      return 2;
    }
    const name = parsed.file === '-' ? 'stdin' : parsed.file;
    const outputs: Output[] = [];
    const open = (target: string): Output | string => {
      const out = Output.open(io, target);
      if (typeof out !== 'string') outputs.push(out);
      return out;
    };
    const closeAll = () => outputs.forEach((o) => o.close());
    const fail = (message: string, code: number) => {
      closeAll();
      io.stderr(`callscope analyze: ${message}\n`);
      return code;
    };
    const json = parsed.json === undefined ? undefined : open(parsed.json);
    const pcap = parsed.exportPcap === undefined ? undefined : open(parsed.exportPcap);
    const text = parsed.exportText === undefined ? undefined : open(parsed.exportText);
    for (const out of [json, pcap, text]) if (typeof out === 'string') return fail(out, 1);
    const jsonOut = json as Output | undefined;
    const reportOut = parsed.json === '-' ? undefined : Output.stdout(io);
    if (reportOut) outputs.push(reportOut);
    const report = reportOut && ((data: string) => reportOut.put(data));
    const pcapWriter = pcap === undefined ? undefined : new PcapStreamWriter((bytes) => (pcap as Output).put(bytes));
    const local = { transport: 'UDP', address: '127.0.0.1', port: 5060 };
    const heapLimit = getHeapStatistics().heap_size_limit * HEAP_SHARE;
    let wroteHead = false;
    let orphanCount = 0;
    const orphans: number[] = [];
    const findings = { ...(parsed.t1 === undefined ? {} : { t1: parsed.t1 }), ...(parsed.pdd === undefined ? {} : { postDialDelayMs: parsed.pdd }) };
    const analysis: TraceAnalysis = new TraceAnalysis({
      ...(parsed.local ? { local: parsed.local } : {}),
      findings,
      ...(parsed.callId === undefined ? {} : { callId: parsed.callId }),
      onMessage: (input) => {
        if (!wroteHead) {
          wroteHead = true;
          jsonOut?.put(`${JSON.stringify(traceRecord({ source: 'import', t1: parsed.t1 ?? 500, format: analysis.format! }))}\n`);
        }
        if ((pcapWriter || text) && (parsed.callId === undefined || scanCallId(input.raw) === parsed.callId)) {
          pcapWriter?.write(input);
          (text as Output | undefined)?.put(textRecord(input, local));
        }
        if (analysis.messages % 4096 === 4095 && process.memoryUsage().heapUsed > heapLimit) {
          const held = analysis.held;
          throw new TooLarge(`the trace holds too many calls open at once for memory (${held.calls} calls, ${held.messages} messages open after ${analysis.messages} messages); split it (editcap -c) or pick one call with --call`);
        }
      },
      onCall: ({ call, messages }) => {
        jsonOut?.put(`${JSON.stringify(callRecord(call, messages))}\n`);
        report?.(`\n${formatCallMessages(call, messages, { ladder: parsed.ladder })}`);
      },
      onOrphan: (message) => {
        orphanCount++;
        if (orphans.length < 100) orphans.push(message.index);
        jsonOut?.put(`${JSON.stringify(orphanRecord(message))}\n`);
      },
    });
    try {
      for await (const chunk of chunks(io, parsed.file)) {
        analysis.push(chunk);
        if (analysis.error !== undefined) break;
      }
      analysis.end();
    } catch (error) {
      if (error instanceof TooLarge) return fail(`${name}: ${error.message}`, 2);
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== undefined) return fail(`cannot read ${parsed.file}: ${code}`, 2);
      throw error;
    }
    if (analysis.error !== undefined) return fail(`${name}: ${analysis.error}`, 2);
    if (parsed.callId !== undefined && analysis.finishedCalls === 0) return fail(`${name}: no call with Call-ID ${parsed.callId}`, 2);
    const notes = analysis.notes();
    const counted = { messages: analysis.messages, calls: analysis.finishedCalls, notes };
    jsonOut?.put(`${JSON.stringify(summaryRecord(counted))}\n`);
    report?.(`\n${name} (${analysis.format}): ${formatSummary({ ...counted, orphans, orphanCount })}`);
    closeAll();
    return 0;
  },
};
