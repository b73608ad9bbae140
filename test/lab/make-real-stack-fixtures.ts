// Makes the real-stack capture fixtures of test/fixtures/real-stacks/: runs each
// call of real-stack-calls.ts in a lab of its own and keeps, from its tshark
// capture, only that call's SIP: its UDP datagrams and the TCP connections
// (WebSocket) that carried it, as classic pcap (no capture metadata: no host,
// no OS). Everything is on 127.0.0.1; the lab runs without digest auth.
//   node --import tsx test/lab/make-real-stack-fixtures.ts [name ...]
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { readCaptureFile, type CaptureFrame } from '../../src/diagnostics/import/capture-file.js';
import { decodeFrame } from '../../src/diagnostics/import/packet-decoder.js';
import { importTrace } from '../../src/diagnostics/import/trace-import.js';
import { startLab, type Lab } from './lab.js';
import * as calls from './real-stack-calls.js';

/** Fixture name -> the call that makes it. */
export const FIXTURE_CALLS: Readonly<Record<string, (lab: Lab) => Promise<unknown>>> = {
  'sipp-baresip-early-no-100rel': calls.sippCallsBaresipEarly,
  'cli-ws-baresip-early-100rel': calls.cliCallsBaresipEarly,
  'cli-ws-linphone-require-ignored': calls.cliRequires100relOfLinphone,
  'cli-ws-linphone-reliable-180-no-contact': calls.cliCallsLinphoneReliable180,
  'cli-ws-sipp-prack-error': calls.cliCallsPrackError,
  'webrtc-ws-baresip': calls.webrtcClientCallsBaresip,
  'baresip-udp-ws-callee-hold': calls.baresipCallsWebSocketCallee,
  'linphone-udp-ws-callee-100rel': calls.linphoneCallsWebSocketCallee,
};

const fixtureDir = fileURLToPath(new URL('../fixtures/real-stacks/', import.meta.url));

/** The frames of the capture's INVITE calls: their SIP datagrams and every frame of the TCP connections that carried their messages. */
function callFrames(capture: Uint8Array): CaptureFrame[] {
  const imported = importTrace(capture);
  if (!imported.ok) throw new Error(imported.reason);
  const model = imported.model;
  const callIds = new Set(model.calls.filter((c) => c.transactions.some((t) => t.method === 'INVITE')).map((c) => c.callId));
  const connections = new Set<string>();
  const datagrams = new Set<string>();
  for (const m of model.messages) {
    if (m.callId === undefined || !callIds.has(m.callId) || !m.src || !m.dst) continue;
    const ends = [`${m.src.port}`, `${m.dst.port}`].sort().join('-');
    if (m.transport === 'UDP') datagrams.add(`${m.at}|${m.src.port}|${m.dst.port}`);
    else connections.add(ends);
  }
  const file = readCaptureFile(capture);
  if (typeof file === 'string') throw new Error(file);
  return file.frames.filter((frame) => {
    const decoded = decodeFrame(frame);
    if (!decoded.ok) return false;
    const s = decoded.segment;
    if (s.protocol === 'TCP') return connections.has([`${s.srcPort}`, `${s.dstPort}`].sort().join('-'));
    return datagrams.has(`${s.at}|${s.srcPort}|${s.dstPort}`);
  });
}

/** Classic pcap (µs), the frames' own link type. */
function pcapOf(frames: readonly CaptureFrame[]): Uint8Array {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(frames[0]?.linkType ?? 1, 20);
  const parts: Buffer[] = [header];
  for (const f of frames) {
    const record = Buffer.alloc(16);
    const micros = Math.round(f.at * 1000);
    record.writeUInt32LE(Math.floor(micros / 1e6), 0);
    record.writeUInt32LE(micros % 1e6, 4);
    record.writeUInt32LE(f.data.length, 8);
    record.writeUInt32LE(f.data.length, 12);
    parts.push(record, Buffer.from(f.data));
  }
  return Buffer.concat(parts);
}

async function make(name: string): Promise<void> {
  const call = FIXTURE_CALLS[name];
  if (!call) throw new Error(`no fixture ${name} (have ${Object.keys(FIXTURE_CALLS).join(', ')})`);
  const lab = await startLab({ name: `fixture-${name}`, auth: false });
  let dir: string | undefined;
  try {
    await call(lab);
    await new Promise((resolve) => setTimeout(resolve, 500));
  } finally {
    dir = await lab.stop({ keepArtifacts: true });
  }
  const frames = callFrames(new Uint8Array(readFileSync(`${dir}/sip.pcapng`)));
  mkdirSync(fixtureDir, { recursive: true });
  writeFileSync(`${fixtureDir}${name}.pcap`, pcapOf(frames));
  rmSync(dir!, { recursive: true, force: true });
  console.log(`${name}.pcap: ${frames.length} frames`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  for (const name of names.length > 0 ? names : Object.keys(FIXTURE_CALLS)) await make(name);
}
