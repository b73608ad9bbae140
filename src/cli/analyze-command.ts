// `callscope analyze FILE [--json FILE|-]`: the calls in a trace (pcap, pcapng,
// sngrep text, Kamailio sipdump, SIPp -trace_msg), each with its transactions
// and findings. Exit 0 when the file could be read (findings or not), 2 when
// it cannot be read or is of no known format, with the reason.
import { readFile, writeFile } from 'node:fs/promises';
import type { CliCommand, CliIo } from './command.js';
import { importTrace } from '../diagnostics/import/trace-import.js';
import { exportJson } from '../diagnostics/export/json-export.js';
import { exportPcap } from '../diagnostics/export/pcap-export.js';
import { exportText } from '../diagnostics/export/text-export.js';
import { formatReport } from '../diagnostics/report.js';

const USAGE = `Usage: callscope analyze [options] FILE|-

Read a SIP trace and print its calls: the messages of each call, its transactions
(RFC 3261 §17: key, role, states, retransmissions, final status), its dialogs, and
findings for the classic failures (missing ACK, missing PRACK, To-tagged 100 Trying,
INVITE with no provisional, unroutable Contact, ...) with the messages that show
them and what to check next; "no findings" for a clean call.

FILE is recognised by its content: pcap or pcapng (Ethernet, Linux cooked, loopback
or raw IP; SIP over UDP, TCP or unencrypted WebSocket), an sngrep text export, a
Kamailio sipdump text file or a SIPp -trace_msg log (see docs/trace-formats.md).
Exit 0 when the file was read (even with findings), 2 when it cannot be read.

Options:
  --json FILE|-         also write the model as JSON to FILE ("-": stdout, instead of the report)
  --call CALL-ID        only this call
  --local ADDR[,ADDR]   these addresses (ip or ip:port) are "us": messages become sent/received
  --t1 MS               RFC 3261 T1 for timing judgements (default 500)
  --pdd MS              post-dial-delay threshold (default 5000)
  --export-pcap FILE    write the (selected) messages as a pcap file
  --export-text FILE    write the (selected) messages as text (sngrep's format)
  --no-ladder           leave out the message list of each call
  -h, --help            show this help`;

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

async function write(io: CliIo, target: string, data: string | Uint8Array): Promise<string | undefined> {
  if (target === '-') {
    io.stdout(typeof data === 'string' ? data : Buffer.from(data).toString('latin1'));
    return undefined;
  }
  try {
    await writeFile(target, data);
    return undefined;
  } catch (err) {
    return `cannot write ${target}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
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
    let bytes: Uint8Array;
    try {
      bytes = parsed.file === '-' ? await io.readStdin() : await readFile(parsed.file);
    } catch (err) {
      io.stderr(`callscope analyze: cannot read ${parsed.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    const name = parsed.file === '-' ? 'stdin' : parsed.file;
    const result = importTrace(bytes, {
      ...(parsed.local ? { local: parsed.local } : {}),
      findings: { ...(parsed.t1 === undefined ? {} : { t1: parsed.t1 }), ...(parsed.pdd === undefined ? {} : { postDialDelayMs: parsed.pdd }) },
    });
    if (!result.ok) {
      io.stderr(`callscope analyze: ${name}: ${result.reason}\n`);
      return 2;
    }
    const model = result.model;
    const selection = parsed.callId === undefined ? {} : { callId: parsed.callId };
    if (parsed.callId !== undefined && !model.calls.some((c) => c.callId === parsed.callId)) {
      io.stderr(`callscope analyze: ${name}: no call with Call-ID ${parsed.callId}\n`);
      return 2;
    }
    const problems: string[] = [];
    if (parsed.json !== undefined) {
      const error = await write(io, parsed.json, exportJson(model, selection));
      if (error) problems.push(error);
    }
    if (parsed.exportPcap !== undefined) {
      const error = await write(io, parsed.exportPcap, exportPcap(model, selection));
      if (error) problems.push(error);
    }
    if (parsed.exportText !== undefined) {
      const error = await write(io, parsed.exportText, exportText(model, selection));
      if (error) problems.push(error);
    }
    if (parsed.json !== '-') {
      const shown = parsed.callId === undefined ? model : { ...model, calls: model.calls.filter((c) => c.callId === parsed.callId) };
      io.stdout(`${name} (${result.format}): ${formatReport(shown, { ladder: parsed.ladder })}`);
    }
    for (const p of problems) io.stderr(`callscope analyze: ${p}\n`);
    return problems.length > 0 ? 2 : 0;
  },
};
