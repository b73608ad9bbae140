// The ladder's columns and rows, retransmissions on their own row marked with the message
// they repeat, growing with a live call, the filters, and the geometry the rows and the SVG share.
import { describe, expect, it } from 'vitest';
import { NO_FILTER, methodsOf, visiblePositions } from '../../../../renderer/diagnostics/model/filters.js';
import { arrowGeometry, arrowHead, columnCenter, fit, ladderWidth, COLUMN_WIDTH } from '../../../../renderer/diagnostics/model/ladder-geometry.js';
import { columnOrder, layoutLadder } from '../../../../renderer/diagnostics/model/ladder-layout.js';
import { kindOf, requestUriOf } from '../../../../renderer/diagnostics/model/message-kind.js';
import { echoCall, msg } from './fixtures.js';

const call = echoCall();
const methodOf = (id: string) => call.transactions.find((t) => t.id === id)?.method;

describe('message kinds', () => {
  it('reads requests, responses with their transaction method, and broken lines', () => {
    expect(kindOf(call.messages[0]!, methodOf)).toMatchObject({ request: true, method: 'INVITE', tone: 'request', label: 'INVITE' });
    expect(kindOf(call.messages[2]!, methodOf)).toMatchObject({ request: false, method: 'INVITE', status: 183, tone: 'provisional' });
    expect(kindOf(call.messages[4]!, methodOf)).toMatchObject({ method: 'PRACK', status: 200, tone: 'success' });
    expect(kindOf(msg(9, 'SIP/2.0 486 Busy Here'), methodOf).tone).toBe('failure');
    expect(kindOf(msg(9, 'SIP/2.0 302 Moved'), methodOf).tone).toBe('redirect');
    expect(kindOf(msg(9, 'GARBAGE', { parseError: 'bad start line' }), methodOf).tone).toBe('invalid');
    expect(requestUriOf(call.messages[0]!)).toBe('sip:echo@test.line');
  });
});

describe('ladder layout', () => {
  it('puts the phone first and the peer after, one row per message', () => {
    const layout = layoutLadder(call.messages, methodOf);
    const { order, slot } = columnOrder(layout.columns);
    expect(order.map((c) => c.label)).toEqual(['This phone', '192.0.2.10:5060']);
    expect(layout.rows).toHaveLength(7);
    const invite = layout.rows[0]!;
    const trying = layout.rows[1]!;
    expect(slot[invite.from]).toBe(0);
    expect(slot[invite.to]).toBe(1);
    expect(slot[trying.from]).toBe(1);
    expect(slot[trying.to]).toBe(0);
  });

  it('marks a retransmission on its own row with the message it repeats', () => {
    const messages = [...call.messages.slice(0, 1), msg(1, 'INVITE sip:echo@test.line SIP/2.0', { transactionId: 'tx1', retransmission: true, at: 1500 })];
    const layout = layoutLadder(messages, methodOf);
    expect(layout.rows).toHaveLength(2);
    expect(layout.rows[1]!.retransmissionOf).toBe(0);
    expect(layout.retransmissions.get(0)).toBe(1);
  });

  it('grows with a live call, and extending an older layout twice gives the same rows', () => {
    const first = layoutLadder(call.messages.slice(0, 3), methodOf);
    const more = [...call.messages, msg(7, 'INVITE sip:echo@test.line SIP/2.0', { transactionId: 'tx1', retransmission: true })];
    const a = layoutLadder(more, methodOf, first);
    const b = layoutLadder(more, methodOf, first);
    const fresh = layoutLadder(more, methodOf);
    for (const layout of [a, b]) {
      expect(layout.rows).toEqual(fresh.rows);
      expect(layout.columns).toEqual(fresh.columns);
      expect(layout.retransmissions.get(0)).toBe(1);
    }
    expect(layoutLadder(more, methodOf, a)).toBe(a);
  });

  it('puts an observed capture\'s hops in columns of their own', () => {
    const observed = [
      msg(0, 'INVITE sip:b@x SIP/2.0', { direction: 'observed', src: '10.0.0.1:5060', dst: '10.0.0.2:5060', transport: 'UDP' }),
      msg(1, 'INVITE sip:b@x SIP/2.0', { direction: 'observed', src: '10.0.0.2:5060', dst: '10.0.0.3:5080', transport: 'UDP' }),
    ];
    const layout = layoutLadder(observed, () => undefined);
    expect(layout.columns.map((c) => c.label)).toEqual(['10.0.0.1:5060', '10.0.0.2:5060', '10.0.0.3:5080']);
  });
});

describe('filters', () => {
  const layout = layoutLadder(call.messages, methodOf);
  it('shows everything by default', () => {
    expect(visiblePositions(call.messages, layout, NO_FILTER)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });
  it('filters by method (responses follow their transaction), status and text', () => {
    expect(visiblePositions(call.messages, layout, { ...NO_FILTER, method: 'PRACK' })).toEqual([3, 4]);
    expect(visiblePositions(call.messages, layout, { ...NO_FILTER, status: '2xx' })).toEqual([4, 5]);
    expect(visiblePositions(call.messages, layout, { ...NO_FILTER, status: 'requests' })).toEqual([0, 3, 6]);
    expect(visiblePositions(call.messages, layout, { ...NO_FILTER, search: 'session progress' })).toEqual([2]);
    expect(visiblePositions(call.messages, layout, { ...NO_FILTER, search: '#5' })).toEqual([5]);
    expect(visiblePositions(call.messages, layout, { ...NO_FILTER, search: '50000' })).toEqual([2, 5]);
    expect(methodsOf(layout)).toEqual(['INVITE', 'PRACK', 'ACK']);
  });
  it('hides retransmissions and keep-alives', () => {
    const messages = [...call.messages, msg(7, 'SIP/2.0 200 OK', { transactionId: 'tx1', retransmission: true }), msg(8, 'OPTIONS sip:x SIP/2.0')];
    const l = layoutLadder(messages, methodOf);
    expect(visiblePositions(messages, l, { ...NO_FILTER, showRetransmissions: false })).not.toContain(7);
    expect(visiblePositions(messages, l, { ...NO_FILTER, showKeepAlives: false })).not.toContain(8);
    expect(visiblePositions(messages, l, NO_FILTER)).toContain(8);
  });
});

describe('ladder geometry', () => {
  it('draws arrows between column centres, self-addressed messages as loops', () => {
    expect(columnCenter(1)).toBe(COLUMN_WIDTH * 1.5);
    expect(ladderWidth(0)).toBe(COLUMN_WIDTH);
    const g = arrowGeometry({ from: 0, to: 1 }, [0, 1]);
    expect(g).toMatchObject({ x1: COLUMN_WIDTH / 2, x2: COLUMN_WIDTH * 1.5, self: false });
    expect(arrowGeometry({ from: 0, to: 0 }, [0]).self).toBe(true);
  });

  it('a label runs half a column past its arrow, within the ladder: a long status line between neighbours is whole', () => {
    const status = '407 Proxy Authentication Required';
    const between = arrowGeometry({ from: 0, to: 1 }, [0, 1, 2]);
    expect(fit(status, between.labelChars)).toBe(status);
    // Wider than the arrow, but not wider than a column more (12 px text is about 6.6 px a character).
    expect(between.labelChars * 6.6).toBeGreaterThan(COLUMN_WIDTH);
    expect(between.labelChars * 6.6).toBeLessThanOrEqual(2 * COLUMN_WIDTH);
    // Its centre is the arrow's, at least a column's half from each edge of the ladder.
    expect(between.labelX - (between.labelChars * 6.6) / 2).toBeGreaterThanOrEqual(0);
    const far = arrowGeometry({ from: 0, to: 3 }, [0, 1, 2, 3]);
    expect(far.labelChars).toBeGreaterThan(between.labelChars);
    expect(arrowHead(0, 100, 10)).toBe('100,10 92,5.5 92,14.5');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
  });
});
