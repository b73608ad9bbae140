// A whole capture file in memory (pcap or pcapng), read by the streaming
// CaptureReader in one push: the frames, and notes on anything skipped.
import { CaptureReader, captureFormatOf, type CaptureFrame } from './capture-reader.js';

export { captureFormatOf, type CaptureFrame } from './capture-reader.js';

export interface CaptureFile {
  readonly format: 'pcap' | 'pcapng';
  readonly frames: readonly CaptureFrame[];
  readonly notes: readonly string[];
}

export function readCaptureFile(bytes: Uint8Array): CaptureFile | string {
  const format = captureFormatOf(bytes);
  if (!format) return 'not a pcap or pcapng file';
  const frames: CaptureFrame[] = [];
  const reader = new CaptureReader(format, (frame) => frames.push(frame));
  reader.push(bytes);
  reader.end();
  if (reader.error !== undefined && frames.length === 0) return reader.error;
  return { format, frames, notes: reader.notes.filter((n) => n !== reader.error || frames.length > 0) };
}
