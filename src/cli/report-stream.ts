// Reports written as they are made, never built whole in memory: a command that
// takes ten thousand calls, or reads a million messages, writes each call's part
// when that call is done. Two shapes:
// - JsonReportStream: one JSON document, `{ ...head, "calls": [ ...each call... ], ...tail }`;
// - JsonLinesStream: JSON Lines (one JSON value per line, RFC 7464 without the RS).
// The destination is a file (written synchronously, so nothing piles up) or "-", stdout.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { CliIo } from './command.js';

/** Where a report goes; `open` fails with one sentence. */
export class ReportSink {
  private constructor(private readonly write: (text: string) => void, private readonly fd: number | undefined) {}

  static open(io: CliIo, destination: string): ReportSink | string {
    if (destination === '-') return new ReportSink(io.stdout, undefined);
    try {
      const fd = openSync(destination, 'w');
      return new ReportSink((text) => {
        const bytes = Buffer.from(text, 'utf8');
        for (let done = 0; done < bytes.length;) done += writeSync(fd, bytes, done);
      }, fd);
    } catch (error) {
      return `cannot write the report to ${destination}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`;
    }
  }

  text(text: string): void {
    this.write(text);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}

function indent(json: string, by: string): string {
  return json.replace(/\n/g, `\n${by}`);
}

function fields(values: Record<string, unknown>): string[] {
  return Object.entries(values).filter(([, v]) => v !== undefined).map(([k, v]) => `  ${JSON.stringify(k)}: ${indent(JSON.stringify(v, null, 2), '  ')}`);
}

/** `{ head..., "<list>": [ item, item, ... ], tail... }`, pretty-printed, item by item. */
export class JsonReportStream {
  private items = 0;

  constructor(private readonly sink: ReportSink, head: Record<string, unknown>, list: string) {
    const lines = fields(head);
    sink.text(`{\n${lines.map((l) => `${l},\n`).join('')}  ${JSON.stringify(list)}: [`);
  }

  item(value: unknown): void {
    this.sink.text(`${this.items++ === 0 ? '\n' : ',\n'}    ${indent(JSON.stringify(value, null, 2), '    ')}`);
  }

  end(tail: Record<string, unknown>): void {
    const lines = fields(tail);
    this.sink.text(`${this.items > 0 ? '\n  ' : ''}]${lines.map((l) => `,\n${l}`).join('')}\n}\n`);
    this.sink.close();
  }
}

/** JSON Lines: one compact JSON value per line. */
export class JsonLinesStream {
  constructor(private readonly sink: ReportSink) {}

  line(value: unknown): void {
    this.sink.text(`${JSON.stringify(value)}\n`);
  }

  end(): void {
    this.sink.close();
  }
}
