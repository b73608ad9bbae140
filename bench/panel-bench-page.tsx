// The page side of `npm run bench:panel` (bundled by bench/panel-bench.ts with esbuild, run
// in Chromium): a synthetic 10,000-message call, then the real diagnostics panel (CallPanel,
// with its virtualised ladder) or a plain list that renders every ladder row (the same row
// drawing, no virtualisation), timed from "data in the page" to rendered and laid out, then
// scrolled frame by frame; and the cost of applying a live update to the big call.
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import type { AppApi, CallDiagnostics, MessageSummary } from '../main/contract/app-api.js';
import type { TransactionModel } from '../src/diagnostics/model-types.js';
import { CallPanel } from '../renderer/diagnostics/call-panel.js';
import { RowBody } from '../renderer/diagnostics/ladder.js';
import { applyUpdate, fromSnapshot, type CallData } from '../renderer/diagnostics/model/call-data.js';
import { ROW_HEIGHT } from '../renderer/diagnostics/model/ladder-geometry.js';
import { columnOrder, layoutLadder } from '../renderer/diagnostics/model/ladder-layout.js';

const PEER = '192.0.2.10:5060';

function tx(id: string, method: string, messages: number[]): TransactionModel {
  return {
    id, key: id, matchKey: `z9hG4bK${id}|${PEER}|${method}`, method, role: 'client', kind: method === 'INVITE' ? 'invite' : 'non-invite',
    transport: 'WSS', callId: 'bench', branch: `z9hG4bK${id}`, source: 'stream', state: 'Terminated', timers: [],
    states: [{ at: 0, from: 'Trying', to: 'Completed', cause: 'final response' }], retransmissions: { requests: 0, responses: 0 },
    finalStatus: 200, messages,
  };
}

/** INVITE/100/183/PRACK/200/200/ACK, then INFO/200 pairs (every 50th INFO retransmitted), then BYE/200. */
export function syntheticCall(count: number): CallDiagnostics {
  const messages: MessageSummary[] = [];
  const transactions: TransactionModel[] = [];
  const add = (line: string, sent: boolean, transactionId: string | undefined, extra: Partial<MessageSummary> = {}): number => {
    const index = messages.length;
    messages.push({
      index, at: 1000 + index * 37 + (index % 400 === 0 ? 2500 : 0), direction: sent ? 'sent' : 'received', ...(sent ? { dst: PEER } : { src: PEER }),
      transport: 'WSS', startLine: line, bytes: 400 + (index % 300), retransmission: false, ...(transactionId ? { transactionId } : {}), ...extra,
    });
    return index;
  };
  const sdp = 'opus/48000/2 sendrecv 192.0.2.10:40000';
  const invite = [add('INVITE sip:bench@example.com SIP/2.0', true, 'tx0', { sdp }), add('SIP/2.0 100 Trying', false, 'tx0'), add('SIP/2.0 183 Session Progress', false, 'tx0', { sdp })];
  transactions.push(tx('tx1', 'PRACK', [add('PRACK sip:bench@192.0.2.10 SIP/2.0', true, 'tx1'), add('SIP/2.0 200 OK', false, 'tx1')]));
  invite.push(add('SIP/2.0 200 OK', false, 'tx0', { sdp }));
  transactions.unshift(tx('tx0', 'INVITE', invite));
  add('ACK sip:bench@192.0.2.10 SIP/2.0', true, undefined);
  let n = 2;
  while (messages.length < count - 2) {
    const id = `tx${n++}`;
    const request = add('INFO sip:bench@192.0.2.10 SIP/2.0', true, id);
    const own = [request];
    if (n % 50 === 0 && messages.length < count - 3) own.push(add('INFO sip:bench@192.0.2.10 SIP/2.0', true, id, { retransmission: true }));
    own.push(add('SIP/2.0 200 OK', false, id));
    transactions.push(tx(id, 'INFO', own));
  }
  transactions.push(tx(`tx${n}`, 'BYE', [add('BYE sip:bench@192.0.2.10 SIP/2.0', true, `tx${n}`), add('SIP/2.0 200 OK', false, `tx${n}`)]));
  return { key: 'live:bench', title: 'bench → sip:bench@example.com', source: 'recent', sipCallId: 'bench@callscope', t1: 500, notes: [], messages, transactions, dialogs: [], findings: [], media: [] };
}

const api = new Proxy({}, { get: () => () => Promise.resolve({ ok: false, error: { code: 'unavailable', message: 'bench' } }) }) as AppApi;

function PlainLadder({ data }: { readonly data: CallData }) {
  const layout = layoutLadder(data.messages, (id) => data.transactions.find((t) => t.id === id)?.method);
  const { order, slot } = columnOrder(layout.columns);
  const t0 = data.messages[0]?.at ?? 0;
  return (
    <div className="ladder-scroll" style={{ height: 460, overflow: 'auto' }}>
      {data.messages.map((m, i) => (
        <div key={m.index} role="option" aria-selected={false} className="ladder-row-plain" style={{ minHeight: ROW_HEIGHT }}>
          <RowBody m={m} row={layout.rows[i]!} columns={order.length} slot={slot} t0={t0} previousAt={data.messages[i - 1]?.at} />
        </div>
      ))}
    </div>
  );
}

let root: Root | undefined;
let data: CallData | undefined;

const nextFrame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));

async function mount(kind: 'panel' | 'plain', count: number): Promise<{ renderMs: number; paintedMs: number }> {
  root?.unmount();
  const host = document.getElementById('root')!;
  host.replaceChildren();
  data = fromSnapshot(syntheticCall(count));
  await nextFrame();
  const t0 = performance.now();
  root = createRoot(host);
  const current = data;
  flushSync(() => root!.render(kind === 'panel'
    ? <CallPanel api={api} data={current} call={undefined} startedAt={undefined} active={false} app={undefined} />
    : <PlainLadder data={current} />));
  void document.body.offsetHeight;
  const renderMs = performance.now() - t0;
  await nextFrame();
  return { renderMs, paintedMs: performance.now() - t0 };
}

/** Scrolls the (first) ladder box `frames` times by `step` px, one step per frame; the frame intervals in ms. */
async function scroll(frames: number, step: number): Promise<number[]> {
  const box = document.querySelector<HTMLElement>('.ladder-scroll');
  if (!box) throw new Error('no ladder on the page');
  box.scrollTop = 0;
  await nextFrame();
  const intervals: number[] = [];
  let last = await nextFrame();
  for (let i = 0; i < frames; i++) {
    box.scrollTop += step;
    const now = await nextFrame();
    intervals.push(now - last);
    last = now;
  }
  return intervals;
}

/** Applies `rounds` live updates of 10 messages and 5 changed transactions to the big call; ms per update (data and ladder layout). */
function updates(rounds: number): number[] {
  let current = data!;
  let layout = layoutLadder(current.messages, () => undefined);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const base = current.messages.length;
    const messages = Array.from({ length: 10 }, (_, i): MessageSummary => ({
      index: base + i, at: 1e6 + base + i, direction: 'received', src: PEER, transport: 'WSS', startLine: 'SIP/2.0 200 OK', bytes: 300, retransmission: false,
    }));
    const changed = current.transactions.slice(-5);
    const t0 = performance.now();
    current = applyUpdate(current, { subscriptionId: 1, seq: current.seq + 1, messages, transactions: changed, media: [] });
    layout = layoutLadder(current.messages, () => undefined, layout);
    times.push(performance.now() - t0);
  }
  return times;
}

(window as unknown as { bench: unknown }).bench = { mount, scroll, updates };
