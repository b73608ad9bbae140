// `npm run bench:testline`: how many concurrent WebRTC echo calls the test line sustains
// here with audio intact, and what each costs it in CPU. The line runs in a child process
// (its CPU measured alone); this process is the callers: one registered user agent, N
// WebRTC calls to `echo`, each sending a tone of its own frequency. A level passes when
// every call is up and hears its own tone back (Goertzel share ≥ 0.5 over the window) with
// at least 80% of the expected packets. Levels rise until one fails twice in a row (a
// busy machine has passing spikes) or the last is done; bounded (levels, window, a total
// time limit). The callers cost CPU too, on the same cores, and so does everything else
// running: the load average is printed with each level, since the count depends on it
// more than on the line; the CPU per call is the steadier figure.
import { fork } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { concatSamples } from '../src/media/audio/audio-frame.js';
import { MediaEngine } from '../src/media/media-engine.js';
import type { MediaSession } from '../src/media/media-session.js';
import type { OutgoingCall } from '../src/ua/call/outgoing-call.js';
import { UserAgent } from '../src/ua/user-agent.js';
import { toneShare } from '../test/support/goertzel.js';

const LEVELS = (process.env.BENCH_TESTLINE_LEVELS ?? '1,2,4,6,8,10,12,16,20,24').split(',').map(Number);
const WINDOW_MS = Number(process.env.BENCH_TESTLINE_WINDOW_MS ?? 4000);
const TIME_LIMIT_MS = Number(process.env.BENCH_TESTLINE_LIMIT_MS ?? 240_000);
const PACKETS_PER_SECOND = 50; // libwebrtc sends 20 ms Opus frames

const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LineProcess {
  readonly url: string;
  readonly user: string;
  readonly password: string;
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function startLine(): Promise<LineProcess> {
  const child = fork(fileURLToPath(new URL('./testline-server.ts', import.meta.url)), [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const ready = await new Promise<{ url: string; user: string; password: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; user: string; password: string }));
    child.once('exit', (code) => reject(new Error(`the line exited (${code})`)));
  });
  return {
    ...ready,
    cpuMs: () => new Promise((resolve) => {
      child.once('message', (m) => {
        const { usage } = m as { usage: { user: number; system: number } };
        resolve((usage.user + usage.system) / 1000);
      });
      child.send({ type: 'cpu' });
    }),
    stop: () => new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.send({ type: 'stop' });
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }),
  };
}

interface LevelResult {
  readonly calls: number;
  readonly answered: number;
  readonly intact: number;
  readonly lineCpuPercent: number;
  readonly callersCpuPercent: number;
  readonly worst?: string;
}

async function runLevel(ua: UserAgent, engine: MediaEngine, line: LineProcess, n: number): Promise<LevelResult> {
  const calls: { call: OutgoingCall; media: MediaSession; hz: number; frames: Int16Array[]; rate: number }[] = [];
  for (let i = 0; i < n; i++) {
    const hz = 600 + 37 * i; // apart from each other and from the chime's notes
    const media = engine.createSession({ kind: 'webrtc', play: { kind: 'tone', frequencyHz: hz, levelDbov: -12 } });
    calls.push({ call: ua.agent.call(ua.target('echo'), { sdp: media }), media, hz, frames: [], rate: 48_000 });
  }
  const answered = await Promise.all(calls.map((c) => Promise.race([
    new Promise<boolean>((resolve) => c.call.on('answered', () => resolve(true))),
    c.call.ended.then(() => false),
    sleep(30_000).then(() => false),
  ])));
  await sleep(1500);
  const lineBefore = await line.cpuMs();
  const ownBefore = process.cpuUsage();
  const packetsBefore = await Promise.all(calls.map(async (c) => (await c.media.measure()).received.packets));
  const stops = calls.map((c) => c.media.onAudio((frame) => { c.frames.push(frame.samples); c.rate = frame.sampleRate; }));
  const started = performance.now();
  await sleep(WINDOW_MS);
  const wall = performance.now() - started;
  stops.forEach((stop) => stop());
  const lineAfter = await line.cpuMs();
  const own = process.cpuUsage(ownBefore);
  const packetsAfter = await Promise.all(calls.map(async (c) => (await c.media.measure()).received.packets));
  let intact = 0;
  let worst: string | undefined;
  calls.forEach((c, i) => {
    const samples = concatSamples(c.frames);
    const share = samples.length === 0 ? 0 : toneShare(samples, c.rate, c.hz);
    const packets = packetsAfter[i]! - packetsBefore[i]!;
    const expected = (PACKETS_PER_SECOND * wall) / 1000;
    const ok = answered[i] === true && !c.call.isEnded && share >= 0.5 && packets >= 0.8 * expected;
    if (ok) intact += 1;
    else worst ??= `call ${i + 1} (${c.hz} Hz): ${answered[i] ? '' : 'not answered, '}tone share ${share.toFixed(2)}, ${packets} of ~${Math.round(expected)} packets`;
  });
  for (const c of calls) c.call.hangup();
  await Promise.race([Promise.all(calls.map((c) => c.call.ended)), sleep(10_000)]);
  await Promise.all(calls.map((c) => Promise.race([c.media.closed, sleep(3000)])));
  return {
    calls: n, answered: answered.filter(Boolean).length, intact,
    lineCpuPercent: ((lineAfter - lineBefore) / wall) * 100,
    callersCpuPercent: ((own.user + own.system) / 1000 / wall) * 100,
    ...(worst === undefined ? {} : { worst }),
  };
}

function report(result: LevelResult): void {
  log(`  ${String(result.calls).padStart(5)}  ${String(result.answered).padStart(8)}  ${String(result.intact).padStart(6)}  ${result.lineCpuPercent.toFixed(0).padStart(22)}  `
    + `${(result.lineCpuPercent / result.calls).toFixed(1).padStart(7)}%  ${result.callersCpuPercent.toFixed(0).padStart(10)}%  ${loadavg()[0]!.toFixed(1).padStart(8)}`
    + (result.worst ? `  — ${result.worst}` : ''));
}


const unavailable = MediaEngine.unavailable('webrtc');
if (unavailable !== undefined) {
  log(`test line benchmark skipped: ${unavailable}`);
  process.exit(0);
}
log(`Test line: concurrent WebRTC echo calls with audio intact (${cpus().length} cores; the callers run on the same machine)`);
log(`  level  answered  intact  line CPU (% of a core)  per call  callers CPU  load avg`);
const began = performance.now();
const line = await startLine();
const engine = new MediaEngine();
const started = await UserAgent.start({ server: line.url, user: line.user, password: line.password, register: true });
if (!started.ok) throw new Error(started.error);
const ua = started.value;
let best: LevelResult | undefined;
for (const n of LEVELS) {
  if (performance.now() - began > TIME_LIMIT_MS) {
    log(`  (stopped: the ${TIME_LIMIT_MS / 1000} s time limit)`);
    break;
  }
  let result = await runLevel(ua, engine, line, n);
  report(result);
  if (result.intact < n) {
    result = await runLevel(ua, engine, line, n);
    report(result);
  }
  if (result.intact < n) break;
  best = result;
}
log(best
  ? `Sustained: ${best.calls} concurrent echo calls with audio intact; the line used ${best.lineCpuPercent.toFixed(0)}% of a core, `
    + `${(best.lineCpuPercent / best.calls).toFixed(1)}% per call (the callers ${(best.callersCpuPercent / best.calls).toFixed(1)}% per call).`
  : 'Not even one call had its audio intact.');
await ua.close();
await engine.closeAll();
await line.stop();
process.exit(0);
