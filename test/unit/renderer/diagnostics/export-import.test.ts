// The ladder as an SVG file (same rows as the page: gaps, retransmissions, SDP, escaped text)
// and a trace file cut into the host's base64 chunks.
import { describe, expect, it } from 'vitest';
import { IMPORT_CHUNK_BYTES, IMPORT_MAX_BYTES } from '../../../../main/contract/diagnostics.js';
import { fromBase64, importChunks, importProgress, importRefusal, safeFileName, toBase64 } from '../../../../renderer/diagnostics/model/import-chunks.js';
import { layoutLadder } from '../../../../renderer/diagnostics/model/ladder-layout.js';
import { ladderSvg } from '../../../../renderer/diagnostics/model/ladder-svg.js';
import { echoCall, msg } from './fixtures.js';

const call = echoCall();

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
const methodOf = (id: string) => call.transactions.find((t) => t.id === id)?.method;

describe('ladder SVG', () => {
  it('draws the column heads and every shown row, with the SDP and the time gaps', () => {
    const layout = layoutLadder(call.messages, methodOf);
    const svg = ladderSvg({ title: 'alice → <echo> & co', messages: call.messages, layout, positions: call.messages.map((_, i) => i) });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('This phone');
    expect(svg).toContain('192.0.2.10:5060');
    expect(svg.match(/<g transform=/g)).toHaveLength(7);
    expect(svg).toContain('183 Session Progress');
    expect(svg).toContain('SDP opus sendrecv 192.0.2.10:50000');
    // 980 ms between the PRACK's 200 and the INVITE's: under a second, no gap.
    expect(svg).not.toContain('···');
    expect(svg).toContain('alice → &lt;echo&gt; &amp; co');
    expect(svg).not.toContain('<echo>');
  });

  it('draws only the rows asked for, and marks a retransmission', () => {
    const messages = [...call.messages, msg(7, 'SIP/2.0 200 OK', { direction: 'received', src: '192.0.2.10:5060', dst: undefined, transactionId: 'tx1', retransmission: true, at: 2600 })];
    const layout = layoutLadder(messages, methodOf);
    const svg = ladderSvg({ title: 't', messages, layout, positions: [0, 7] });
    expect(svg.match(/<g transform=/g)).toHaveLength(2);
    expect(svg).toContain('↻ 200 OK');
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('··· 1.6 s ···');
  });
});

describe('import chunks', () => {
  it('round-trips bytes through base64', () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 31) & 255);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
  });

  it('cuts a file into chunks of at most the host\'s size, the last one flagged', async () => {
    const bytes = new Uint8Array(IMPORT_CHUNK_BYTES * 2 + 5).map((_, i) => i % 251);
    const chunks = await all(importChunks(new Blob([bytes])));
    expect(chunks.map((c) => c.last)).toEqual([false, false, true]);
    expect(chunks.map((c) => fromBase64(c.data).length)).toEqual([IMPORT_CHUNK_BYTES, IMPORT_CHUNK_BYTES, 5]);
    // Put back together, the parts are the file.
    expect(Buffer.concat(chunks.map((c) => fromBase64(c.data)))).toEqual(Buffer.from(bytes));
    expect((await all(importChunks(new Blob([new Uint8Array(IMPORT_CHUNK_BYTES)])))).map((c) => c.last)).toEqual([true]);
    expect(await all(importChunks(new Blob([])))).toEqual([{ data: '', last: true }]);
  });

  it('says how much of an import is read, and how long the rest takes once that can be told', () => {
    const MB = 1e6;
    expect(importProgress(0, 120 * MB, 0)).toBe('0.0 of 120 MB read (0 %)…');
    expect(importProgress(6 * MB, 120 * MB, 1000)).toBe('6.0 of 120 MB read (5 %)…');
    expect(importProgress(30 * MB, 120 * MB, 10_000)).toBe('30.0 of 120 MB read (25 %), about 30 s left…');
    expect(importProgress(12.25 * MB, 120 * MB, 20_000)).toBe('12.3 of 120 MB read (10 %), about 3 min left…');
    expect(importProgress(120 * MB, 120 * MB, 20_000)).toBe('120 of 120 MB read (100 %)…');
  });

  it('refuses empty and oversized files before sending, and cleans file names', () => {
    expect(importRefusal('a.pcap', 0)).toBe('a.pcap is empty.');
    expect(importRefusal('a.pcap', IMPORT_MAX_BYTES + 1)).toMatch(/at most 128 MiB.*callscope analyze a\.pcap/);
    expect(importRefusal('a.pcap', 10)).toBeUndefined();
    expect(safeFileName('../etc/pass\u0000wd')).toBe('.._etc_pass_wd');
    expect(safeFileName('   ')).toBe('trace');
  });
});
