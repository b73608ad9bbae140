// Diagnostics store figures for `npm run bench` (or on its own: node --import tsx
// bench/diagnostics-bench.ts): a call of 10,000 messages (5,000 OPTIONS transactions over
// the in-memory UDP pair, real stack traffic), then what a watcher costs: the snapshot,
// one batched update (produced by the host, applied by a page), and the full rebuild behind
// dialogs and findings that runs at most about once a second. The store runs on its own
// clock so its timers (the flushes) can be timed alone. Numbers, not a test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiagnosticsStore } from '../main/host/diagnostics/diagnostics-store.js';
import type { CallDiagnosticsUpdate, MessageSummary } from '../main/contract/diagnostics.js';
import type { TransactionModel } from '../src/diagnostics/model-types.js';
import { LiveRecorder } from '../src/diagnostics/live-recorder.js';
import { buildRequest, buildResponseTo, randomToken } from '../src/message/index.js';
import { TransactionLayer } from '../src/transaction/transaction-layer.js';
import { createMemoryTransportPair, type MemoryTransport } from '../src/transport/memory-transport.js';
import { FakeClock } from '../src/util/fake-clock.js';

const CALL_ID = 'bench-call@127.0.0.1';

function options(from: MemoryTransport, cseq: number) {
  const built = buildRequest({
    method: 'OPTIONS', uri: 'sip:bob@127.0.0.1:5070', cseq, callId: CALL_ID,
    via: [{ transport: 'UDP', host: from.sentBy.host, port: from.sentBy.port, branch: `z9hG4bK${randomToken()}`, rport: true }],
    from: { uri: 'sip:alice@127.0.0.1', tag: 'alice' }, to: { uri: 'sip:bob@127.0.0.1' },
  });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

const ms = (n: number) => `${n.toFixed(2)} ms`;

/** CPU time of this process in ms: a busy, shared machine does not inflate it as it does wall time. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function runDiagnosticsBench(log: (line: string) => void): Promise<void> {
  const stackClock = new FakeClock();
  const storeClock = new FakeClock();
  const [ta, tb] = createMemoryTransportPair({ protocol: 'UDP', clock: stackClock, latencyMs: 1 });
  const ignore = { onAck: () => undefined, onStrayResponse: () => undefined };
  const alice = new TransactionLayer({ clock: stackClock, user: { onRequest: () => undefined, ...ignore } });
  const bob = new TransactionLayer({
    clock: stackClock,
    user: {
      ...ignore,
      onRequest: (request, tx) => {
        const answer = buildResponseTo(request, { status: 200, toTag: 'bob' });
        if (answer.ok) tx.respond(answer.value);
      },
    },
  });
  alice.attach(ta);
  bob.attach(tb);
  const dataDir = mkdtempSync(join(tmpdir(), 'callscope-bench-'));
  const store = createDiagnosticsStore({ dataDir, clock: storeClock, log: () => undefined });
  store.attachAccount('alice', alice.diagnostics);
  store.callStarted({ id: 'bench', callTag: 'bench', sipCallId: CALL_ID, accountId: 'alice', title: '→ bench', startedAt: Date.now() });
  const user = { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };
  let cseq = 1;
  const exchange = () => {
    alice.sendRequest(options(ta, cseq++), { transport: ta, destination: tb.address }, user);
    stackClock.advance(2);
  };
  const started = cpuMs();
  for (let i = 0; i < 5000; i++) exchange();
  stackClock.advance(40_000);
  log(`diagnostics: a call of ${store.list()[0]!.messageCount.toLocaleString('en-US')} messages recorded in ${ms(cpuMs() - started)} of CPU (stack and store; all figures are CPU time)`);

  let builds = 0;
  const model = LiveRecorder.prototype.model;
  LiveRecorder.prototype.model = function counted(this: LiveRecorder) {
    builds++;
    return model.call(this);
  };

  // The page's side: rows appended, transactions replaced by id.
  const rows: MessageSummary[] = [];
  const transactions = new Map<string, TransactionModel>();
  const applyCosts: number[] = [];
  const apply = (update: CallDiagnosticsUpdate) => {
    const t = cpuMs();
    for (const row of update.messages) rows.push(row);
    for (const tx of update.transactions) transactions.set(tx.id, tx);
    applyCosts.push(cpuMs() - t);
  };
  let t = cpuMs();
  const { snapshot } = await store.subscribe('live:bench', 1, apply);
  log(`diagnostics: snapshot of ${snapshot.messages.length.toLocaleString('en-US')} rows and ${snapshot.transactions.length.toLocaleString('en-US')} transactions (with a full build): ${ms(cpuMs() - t)}`);
  rows.push(...snapshot.messages);
  for (const tx of snapshot.transactions) transactions.set(tx.id, tx);

  // Steady traffic: an exchange every 20 ms; the store flushes every 200 ms.
  const updateCosts: number[] = [];
  const buildCosts: number[] = [];
  for (let round = 0; round < 150; round++) {
    for (let i = 0; i < 10; i++) exchange();
    const before = builds;
    t = cpuMs();
    storeClock.advance(200);
    const cost = cpuMs() - t;
    (builds > before ? buildCosts : updateCosts).push(cost);
  }
  LiveRecorder.prototype.model = model;
  log(`diagnostics: one update (10 exchanges, 20 rows, 10 transactions) produced in median ${ms(percentile(updateCosts, 0.5))}, p95 ${ms(percentile(updateCosts, 0.95))} (${updateCosts.length} updates)`);
  log(`diagnostics: applied by a page in median ${ms(percentile(applyCosts, 0.5))}, p95 ${ms(percentile(applyCosts, 0.95))}`);
  log(`diagnostics: full rebuild (dialogs, findings) on ${rows.length.toLocaleString('en-US')} messages: median ${ms(percentile(buildCosts, 0.5))}, ${buildCosts.length} times in ${150 * 200 / 1000} s of traffic`);
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
}

if (import.meta.url === `file://${process.argv[1]}`) await runDiagnosticsBench((line) => console.log(line));
