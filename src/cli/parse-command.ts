// `callscope parse FILE|-`: parse one SIP message and print it as JSON, or with --as-uas
// print the final response a UAS core would send before any application logic.

import { readFile } from 'node:fs/promises';
import type { CliCommand, CliIo } from './command.js';
import { exitStatusHelp } from './command.js';
import {
  buildResponseTo, checkRequestAsUas, describeMessage, parseMessage, serializeMessageText, verdictForParseError,
} from '../message/index.js';
import type { Framing, UasCheckOptions, UasVerdict, SipRequest } from '../message/index.js';

const USAGE = `Usage: callscope parse [options] FILE|-

Parse one SIP message (from FILE, or stdin with "-") and print it as JSON: the start
line, every header in order (canonical name, raw value), the typed fields and a body
summary.

Options:
  --as-uas              print the final response a UAS core would send to this request
                        before any application logic (RFC 3261 §8.2, §16.3), or "none";
                        exits 0 whenever it could decide (a malformed request gets its 400)
  --framing KIND        datagram (default), stream or websocket: how Content-Length is
                        checked (RFC 3261 §18.3, RFC 7118 §5)
  --lf                  accept a file written with LF line endings (converted to CRLF)
  --supported TAGS      comma-separated option tags the UAS understands (for --as-uas)
  --methods LIST        comma-separated methods the UAS implements (for --as-uas)
  --media-types LIST    comma-separated body types the UAS accepts (for --as-uas)
  --schemes LIST        comma-separated Request-URI schemes the UAS handles (for --as-uas)
  -h, --help            show this help

${exitStatusHelp('the message is valid (with --as-uas: a verdict could be given)', undefined, 'a usage error, a file that cannot be read, or a message that is not valid SIP')}`;

interface ParseArgs {
  file: string;
  asUas: boolean;
  lf: boolean;
  framing: Framing;
  uas: UasCheckOptions;
}

function parseArgs(args: readonly string[]): ParseArgs | string {
  const out: ParseArgs = { file: '', asUas: false, lf: false, framing: 'datagram', uas: {} };
  const uas: { -readonly [K in keyof UasCheckOptions]: UasCheckOptions[K] } = {};
  const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    switch (a) {
      case '--as-uas': out.asUas = true; break;
      case '--lf': out.lf = true; break;
      case '--framing': {
        const v = value();
        if (v !== 'datagram' && v !== 'stream' && v !== 'websocket') return `--framing needs datagram, stream or websocket`;
        out.framing = v;
        break;
      }
      case '--supported': case '--methods': case '--media-types': case '--schemes': {
        const v = value();
        if (v === undefined) return `${a} needs a comma-separated list`;
        if (a === '--supported') uas.supportedExtensions = list(v);
        else if (a === '--methods') uas.allowedMethods = list(v).map((m) => m.toUpperCase());
        else if (a === '--media-types') uas.supportedMediaTypes = list(v).map((m) => m.toLowerCase());
        else uas.supportedSchemes = list(v).map((m) => m.toLowerCase());
        break;
      }
      default:
        if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
        if (out.file) return 'give exactly one FILE (or - for stdin)';
        out.file = a;
    }
  }
  if (!out.file) return 'missing FILE (or - for stdin)';
  out.uas = uas;
  return out;
}

/** LF → CRLF for hand-written files (CRLF already present is kept). */
function toCrlf(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a && bytes[i - 1] !== 0x0d) out.push(0x0d);
    out.push(bytes[i]!);
  }
  return Uint8Array.from(out);
}

function printVerdict(io: CliIo, verdict: UasVerdict, request: SipRequest | undefined): void {
  if (verdict.action !== 'respond') {
    io.stdout('none\n');
    return;
  }
  if (request) {
    const built = buildResponseTo(request, { status: verdict.status, reason: verdict.reason, headers: verdict.headers });
    if (built.ok) {
      io.stdout(serializeMessageText(built.value));
      return;
    }
  }
  // The request could not be parsed far enough to copy its Via/From/To: the status line says it all.
  io.stdout(`SIP/2.0 ${verdict.status} ${verdict.reason}\r\n`);
}

export const parseCommand: CliCommand = {
  name: 'parse',

  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args);
    if (typeof parsed === 'string') {
      io.stderr(`callscope parse: ${parsed}\n`);
      return 2;
    }
    let bytes: Uint8Array;
    try {
      bytes = parsed.file === '-' ? await io.readStdin() : await readFile(parsed.file);
    } catch (err) {
      io.stderr(`callscope parse: cannot read ${parsed.file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    if (parsed.lf) bytes = toCrlf(bytes);
    const result = parseMessage(bytes, { framing: parsed.framing });
    if (parsed.asUas) {
      if (!result.ok) {
        printVerdict(io, verdictForParseError(result.error), undefined);
        return 0;
      }
      if (result.value.kind !== 'request') {
        io.stderr('callscope parse: --as-uas needs a request, and this message is a response\n');
        return 2;
      }
      printVerdict(io, checkRequestAsUas(result.value, parsed.uas), result.value);
      return 0;
    }
    if (!result.ok) {
      io.stderr(`callscope parse: ${parsed.file === '-' ? 'stdin' : parsed.file}: ${result.error.message}\n`);
      return 2;
    }
    io.stdout(`${JSON.stringify(describeMessage(result.value), null, 2)}\n`);
    return 0;
  },
};
