// One header field exactly as it came off the wire. Strings are cut lazily from the
// message's byte string, so a header nobody looks at costs one small object.

import { byteStringToText } from './bytes.js';

export interface SipHeaderField {
  /** Canonical name (`Via` for `v` or `VIA`); unknown names as written. */
  readonly name: string;
  /** The name exactly as written on the wire (`v`, `ViA`, `C%6Fntact`). */
  readonly rawName: string;
  /**
   * The raw value: everything after the colon and the whitespace that follows it, up to
   * the CRLF that ends the field; folds (CRLF + whitespace) are kept. UTF-8 decoded.
   */
  readonly value: string;
  /** The whole field as received, from the first byte of the name to before the final CRLF. */
  readonly raw: string;
  /** Byte offset of the field from the start of the message. */
  readonly offset: number;
}

export class WireHeaderField implements SipHeaderField {
  constructor(
    private readonly src: string,
    readonly name: string,
    readonly offset: number,
    private readonly nameEnd: number,
    private readonly valueStart: number,
    private readonly end: number,
  ) {}

  get rawName(): string {
    return this.src.slice(this.offset, this.nameEnd);
  }

  get value(): string {
    return byteStringToText(this.src.slice(this.valueStart, this.end));
  }

  get raw(): string {
    return byteStringToText(this.src.slice(this.offset, this.end));
  }

  /** The value as a byte string (internal: for re-parsing and exact copies). */
  get valueBytes(): string {
    return this.src.slice(this.valueStart, this.end);
  }

  toJSON(): { name: string; rawName: string; value: string } {
    return { name: this.name, rawName: this.rawName, value: this.value };
  }
}
