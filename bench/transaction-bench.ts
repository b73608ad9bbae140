// Transaction-layer figures for `npm run bench`: transactions per second
// created, matched and completed in-process (two TransactionLayers over the
// in-memory UDP pair: client + server transaction, request + 200 each), memory
// per idle INVITE server transaction, and a leak check after 100,000.
// Numbers, not a test; run with --expose-gc for the memory figures.
import { buildRequest, buildResponseTo } from '../src/message/index.js';
import type { SipRequest } from '../src/message/index.js';
import { TransactionLayer, type TransactionUser } from '../src/transaction/transaction-layer.js';
import { createMemoryTransportPair } from '../src/transport/memory-transport.js';
import type { MemoryTransport } from '../src/transport/memory-transport.js';
import { FakeClock } from '../src/util/fake-clock.js';

const gc = (globalThis as { gc?: () => void }).gc;

function heapMb(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

const drain = () => new Promise<void>((resolve) => setImmediate(resolve));

function request(method: string, from: MemoryTransport, n: number): SipRequest {
  const built = buildRequest({
    method, uri: 'sip:bob@127.0.0.1:5070', cseq: 1,
    via: [{ transport: 'UDP', host: from.sentBy.host, port: from.sentBy.port, branch: `z9hG4bKbench${n}`, rport: true }],
    from: { uri: 'sip:alice@127.0.0.1', tag: `a${n}` }, to: { uri: 'sip:bob@127.0.0.1' }, callId: `bench-${n}`,
  });
  if (!built.ok) throw new Error(built.error.message);
  return built.value;
}

function setup(answer: boolean) {
  const clock = new FakeClock();
  const [ta, tb] = createMemoryTransportPair({ protocol: 'UDP', clock });
  const ignore: TransactionUser = { onRequest: () => undefined, onAck: () => undefined, onStrayResponse: () => undefined };
  const client = new TransactionLayer({ clock, user: ignore });
  const server = new TransactionLayer({
    clock,
    user: {
      ...ignore,
      onRequest: (req, tx) => {
        if (!answer) return;
        const ok = buildResponseTo(req, { status: 200, toTag: 'b' });
        if (ok.ok) tx.respond(ok.value);
      },
    },
  });
  client.attach(ta);
  server.attach(tb);
  return { clock, ta, tb, client, server };
}

const noUser = { onResponse: () => undefined, onTimeout: () => undefined, onTransportError: () => undefined };

async function runCompleted(count: number): Promise<{ perSecond: number; leftOver: number; heapBefore: number; heapAfter: number }> {
  const { clock, ta, tb, client, server } = setup(true);
  const heapBefore = heapMb();
  const start = performance.now();
  for (let i = 0; i < count; i += 1000) {
    for (let j = i; j < Math.min(count, i + 1000); j++) client.sendRequest(request('OPTIONS', ta, j), { transport: ta, destination: tb.address }, noUser);
    await drain();
    // Timers K and J end both transactions (fake time: no waiting).
    clock.advance(64 * 500 + 1);
    ta.sent.length = 0;
    tb.sent.length = 0;
  }
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: count / seconds, leftOver: client.size + server.size, heapBefore, heapAfter: heapMb() };
}

async function idleMemory(count: number): Promise<number> {
  const { ta, tb, client } = setup(false);
  const requests = Array.from({ length: count }, (_, i) => request('INVITE', ta, i));
  const withRequests = heapMb();
  for (const r of requests) client.sendRequest(r, { transport: ta, destination: tb.address }, noUser);
  await drain();
  ta.sent.length = 0; // the memory transport's own record of what it sent
  const after = heapMb();
  // Both sides hold `count` transactions (client Calling, server Proceeding), without the requests themselves.
  return ((after - withRequests) * 1024 * 1024) / (2 * count);
}

export async function runTransactionBench(log: (line: string) => void): Promise<void> {
  log('');
  log('Transaction layer (in-process, two layers over the in-memory UDP pair):');
  await runCompleted(5000); // warm-up
  const run = await runCompleted(100_000);
  log(`  ${Math.round(run.perSecond).toLocaleString('en')} transactions/s created, matched and completed (OPTIONS + 200, client and server side each)`);
  log(`  after 100,000: ${run.leftOver} transactions left; heap ${run.heapBefore.toFixed(1)} MB -> ${run.heapAfter.toFixed(1)} MB` +
    (gc ? '' : ' (run with --expose-gc for a meaningful heap figure)'));
  if (gc) log(`  memory per idle transaction (INVITE, no response, timers running): ~${Math.round(await idleMemory(20_000))} bytes`);
}
