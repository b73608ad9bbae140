// Import and export against an independent reader: the lab's tshark capture
// of a real call (Kamailio between two SIPp ends) is read by Callscope and by
// tshark; the model is exported as pcap and tshark reads that too; the text
// export and SIPp's own -trace_msg log are read back by Callscope's importers.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportJson } from '../../src/diagnostics/export/json-export.js';
import { exportPcap } from '../../src/diagnostics/export/pcap-export.js';
import { exportText } from '../../src/diagnostics/export/text-export.js';
import { importTrace } from '../../src/diagnostics/import/trace-import.js';
import { captureCall, modelSip, tsharkSip } from './diagnostics-capture.js';

/** How many call dialogs sngrep finds in a pcap (batch mode: no interface, INVITE dialogs only). */
function sngrepDialogCount(file: string): number {
  const out = execFileSync('sngrep', ['-c', '-N', '-I', file], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const counts = [...out.matchAll(/Dialog count: (\d+)/g)].map((m) => Number(m[1]));
  if (counts.length === 0) throw new Error(`sngrep printed no dialog count: ${out.slice(0, 500)}`);
  return counts.at(-1)!;
}

const tmp = mkdtempSync(join(tmpdir(), 'callscope-diag-export-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('diagnostics import/export against tshark', () => {
  it('reads a lab capture as tshark does, exports pcap that tshark reads the same, and reads text and SIPp logs back', async () => {
    let callerLog = '';
    const run = await captureCall('diag-export', async (lab) => {
      const callee = await lab.startUas('uas-reliable-183');
      const caller = await lab.startUac('uac-100rel', `farend-${callee.port}`, { pauseMs: 100 });
      expect((await caller.result).explanation).toBe('');
      expect((await callee.result).explanation).toBe('');
      callerLog = caller.messageLog();
    });
    try {
      // 1. The lab's pcapng: same SIP messages, Call-IDs and methods/statuses, in the same order.
      const fromTshark = tsharkSip(join(run.dir, 'sip.pcapng'));
      expect(fromTshark.length).toBeGreaterThanOrEqual(18);
      expect(modelSip(run.model)).toEqual(fromTshark);

      // Every message of the call parses: the far end echoes all of the INVITE's Vias.
      expect(run.model.messages.filter((m) => m.parseError).map((m) => `${m.startLine}: ${m.parseError}`)).toEqual([]);

      // 2. Exported pcap (all calls, then one call): tshark sees what the model has.
      const all = join(tmp, 'all.pcap');
      writeFileSync(all, exportPcap(run.model));
      expect(tsharkSip(all)).toEqual(modelSip(run.model));
      // sngrep reads it too: as many call dialogs (-c: INVITE dialogs only) as the model has calls with an INVITE.
      const inviteCalls = run.model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE')).length;
      expect(sngrepDialogCount(all)).toBe(inviteCalls);
      const invite = run.model.calls.find((c) => c.transactions.some((t) => t.method === 'INVITE'))!;
      const one = join(tmp, 'one.pcap');
      writeFileSync(one, exportPcap(run.model, { callId: invite.callId }));
      expect(tsharkSip(one)).toEqual(invite.messages.map((i) => modelSip(run.model)[i]!));
      // ... and Callscope reads its own export back to the same model.
      const again = importTrace(new Uint8Array(exportPcap(run.model)));
      expect(again.ok && again.model.messages.map((m) => m.startLine)).toEqual(run.model.messages.map((m) => m.startLine));
      expect(again.ok && again.model.calls.map((c) => c.findings)).toEqual(run.model.calls.map((c) => c.findings));

      // 3. Text export (sngrep's format) read back: same messages, same times (to the ms; the text keeps µs), same addresses.
      const text = importTrace(new TextEncoder().encode(exportText(run.model)));
      if (!text.ok) throw new Error(text.reason);
      expect(text.format).toBe('sngrep');
      expect(text.model.messages.map((m) => [m.startLine, m.src, m.dst, Math.round(m.at)]))
        .toEqual(run.model.messages.map((m) => [m.startLine, m.src, m.dst, Math.round(m.at)]));

      // 4. SIPp's -trace_msg log of the caller: every message the caller sent or received.
      const sipp = importTrace(new TextEncoder().encode(callerLog));
      if (!sipp.ok) throw new Error(sipp.reason);
      expect(sipp.format).toBe('sipp');
      const callerPort = run.model.messages.find((m) => m.startLine.startsWith('INVITE'))!.src!.port;
      const callerLeg = run.model.messages.filter((m) => m.src?.port === callerPort || m.dst?.port === callerPort);
      expect(sipp.model.messages.map((m) => `${m.direction} ${m.startLine}`))
        .toEqual(callerLeg.map((m) => `${m.src!.port === callerPort ? 'sent' : 'received'} ${m.startLine}`));

      // 5. JSON Lines: the model, every message once (inside its call), with "no findings" said.
      const records = exportJson(run.model).trim().split('\n').map((l) => JSON.parse(l) as { type: string; findingsSummary?: string; messages?: unknown[] });
      const calls = records.filter((r) => r.type === 'call');
      expect(calls.reduce((n, c) => n + c.messages!.length, 0) + records.filter((r) => r.type === 'message').length).toBe(run.model.messages.length);
      expect(calls.every((c) => c.findingsSummary === 'no findings')).toBe(true);
      run.cleanup();
    } catch (error) {
      console.warn(`diagnostics export: capture and logs kept in ${run.dir}`);
      throw error;
    }
  });
});
