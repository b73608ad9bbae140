// A text dump (sngrep, Kamailio sipdump, SIPp -trace_msg) read in pieces: the
// text is cut just before the last record that has started, everything before
// it goes through the whole-file importer (text-dumps.ts), and the rest waits
// for more bytes. Memory is one piece plus the open record, whatever the size.
import { bytesToByteString } from '../../message/bytes.js';
import type { MessageInput } from '../model-builder.js';
import type { ImportOptions, TraceFormat } from './imported-trace.js';
import { importTextDumpString, SIPDUMP_START, SIPP_SEPARATOR, SNGREP_HEADER } from './text-dumps.js';

type TextFormat = Exclude<TraceFormat, 'pcap' | 'pcapng'>;

/** Pieces smaller than this wait for more text (each piece costs a pass of the importer). */
const PIECE_BYTES = 1024 * 1024;

/** Does the line at `start` (up to `end`) open a record of this format? */
function opensRecord(format: TextFormat, text: string, start: number, end: number): boolean {
  const line = text.slice(start, end);
  switch (format) {
    case 'sipdump': return line.replace(/\r$/, '') === SIPDUMP_START;
    case 'sipp': return SIPP_SEPARATOR.test(line);
    default:
      // An sngrep header counts after a blank line only (as the importer reads it).
      return SNGREP_HEADER.test(line) && /\n\r?\n$/.test(text.slice(Math.max(0, start - 4), start));
  }
}

export class TextDumpStream {
  readonly notes: string[] = [];
  messages = 0;
  blocks = 0;
  private text = '';
  private linesBefore = 0;
  private first = true;

  constructor(readonly format: TextFormat, private readonly options: ImportOptions, private readonly onMessage: (input: MessageInput) => void) {}

  push(chunk: Uint8Array): void {
    this.text += bytesToByteString(chunk);
    if (this.text.length < PIECE_BYTES) return;
    const cut = this.lastRecordStart();
    if (cut > 0) this.take(cut);
  }

  end(): void {
    if (this.text.length > 0) this.take(this.text.length);
  }

  /** Where the last record that has started begins (0 when there is only one). */
  private lastRecordStart(): number {
    const text = this.text;
    let end = text.length;
    // Backwards line by line: the last record starts within the last few lines.
    for (let start = text.lastIndexOf('\n', end - 1) + 1; end > 0; end = start - 1, start = text.lastIndexOf('\n', end - 1) + 1) {
      if (start > 0 && opensRecord(this.format, text, start, end)) return start;
      if (start === 0) return 0;
    }
    return 0;
  }

  private take(length: number): void {
    const piece = this.text.slice(0, length);
    this.text = this.text.slice(length);
    const imported = importTextDumpString(piece, this.options, this.linesBefore);
    let lines = 0;
    for (let p = piece.indexOf('\n'); p >= 0; p = piece.indexOf('\n', p + 1)) lines++;
    this.linesBefore += lines;
    this.first = false;
    if (typeof imported === 'string') return; // a piece with no record (never the first: the format was read off it)
    this.blocks += imported.frames;
    this.notes.push(...imported.notes);
    for (const message of imported.messages) {
      this.messages++;
      this.onMessage(message);
    }
  }

  /** True once the first piece was read (its first line named the format). */
  get started(): boolean {
    return !this.first;
  }
}
